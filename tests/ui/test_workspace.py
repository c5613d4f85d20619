"""The main window's tools: gap map filtering the list, comparison, briefs, conflicts."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from evidencetracker.domain.enums import Focus, PartnershipType
from evidencetracker.services.container import Services
from evidencetracker.ui.actions import ActionId
from evidencetracker.ui.brief_dialog import BriefDialog
from evidencetracker.ui.comparison_view import ComparisonView
from tests.ui.conftest import idle, select_title

MEKONG = "Mekong Ethical Recruitment Alliance"


def _select_rows(window, titles: list[str]) -> None:
    selection = window.table.selectionModel()
    selection.clearSelection()
    for row, record in enumerate(window.model.rows()):
        if record.title in titles:
            selection.select(
                window.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_a_gap_map_click_filters_the_strategy_list(qtbot, sample_window, services: Services):
    window = sample_window
    window.actions[ActionId.GAP_MAP].trigger()
    view = window.workspace.gap_view
    qtbot.waitUntil(lambda: view.canvas.gap is not None, timeout=10000)
    gap = view.canvas.gap
    row_key = PartnershipType.GOVERNMENT_BUSINESS_ALLIANCE.value
    cell = gap.cell(row_key, Focus.PREVENTION)
    assert cell.strategy_uids  # the Mekong alliance sits in this cell
    rect = view.canvas.cell_rect(gap.rows.index(row_key), gap.columns.index(Focus.PREVENTION))
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.model.rowCount() == len(cell.strategy_uids))
    shown = {r.uid for r in window.model.rows()}
    assert shown == set(cell.strategy_uids)
    expected = {
        s.uid
        for s in services.strategies.list()
        if s.partnership_type is PartnershipType.GOVERNMENT_BUSINESS_ALLIANCE
        and "prevention" in s.focus
    }
    assert shown <= expected
    assert window.browser.subset_bar.isVisible()
    qtbot.mouseClick(window.browser.subset_clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 10)
    assert not window.browser.subset_bar.isVisible()
    idle(qtbot, window)


def test_comparing_selected_strategies_shows_them_side_by_side(qtbot, sample_window, answers):
    window = sample_window
    titles = [MEKONG, "Danube Regional Referral Mechanism", "Safe Journeys Community Partnership"]
    _select_rows(window, titles)
    assert len(window.browser.selected_uids()) == 3
    window.actions[ActionId.COMPARE].trigger()
    view = window.workspace.dialog.findChild(ComparisonView)
    qtbot.waitUntil(lambda: view.comparison is not None, timeout=10000)
    shown = [s.title for s in view.comparison.strategies]
    assert sorted(shown) == sorted(titles)
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert all(any(t[:20] in h for h in headers) for t in titles)
    window.workspace.dialog.close()

    _select_rows(window, [MEKONG])
    window.actions[ActionId.COMPARE].trigger()
    assert answers["asked"][-1][0] == "error" and "1 selected" in answers["asked"][-1][2]
    idle(qtbot, window)


def test_export_brief_opens_the_brief_of_the_current_strategy(qtbot, sample_window):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    window.actions[ActionId.EXPORT_BRIEF].trigger()
    dialog = window.workspace.dialog
    assert isinstance(dialog, BriefDialog)
    assert dialog.kind == "strategy" and dialog.uids == [window.editor.uid]
    assert dialog.small_cell_k.value() == window.prefs.small_cell_k
    dialog.close()
    idle(qtbot, window)


def test_open_conflicts_show_in_the_status_bar(qtbot, window, services: Services, tmp_path):
    # A conflict made the way evaluators make one: the same field edited in two copies.
    other = Services.open(tmp_path / "bob.sqlite", author="Bob")
    try:
        s = services.strategies.create(
            {"title": "Original", "partnership_type": "other", "focus": ["partnership"]}
        )
        other.sync_bundles.merge(services.sync_bundles.export(tmp_path / "a1.json"))
        services.strategies.update(s.uid, s.version, {"title": "Ann's title"})
        theirs = other.strategies.get(s.uid)
        other.strategies.update(s.uid, theirs.version, {"title": "Bob's title"})
        services.sync_bundles.merge(other.sync_bundles.export(tmp_path / "b1.json"))
    finally:
        other.close()
    assert services.conflicts.open_count() == 1
    window.workspace.update_conflict_count()
    button = window.workspace.conflicts_button
    qtbot.waitUntil(lambda: button.isVisible() and button.text() == "1 open conflict")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.workspace.dialog
    assert dialog.windowTitle() == "Conflicts"
    dialog.close()
    # A brief of the disputed strategy warns that its values may still change.
    brief = BriefDialog(services, window.tasks, "strategy", [s.uid], None, window)
    qtbot.waitUntil(lambda: brief.conflict_warning.isVisibleTo(brief), timeout=10000)
    assert "open merge conflicts" in brief.conflict_warning.text()
    brief.close()
    idle(qtbot, window)


def test_ctrl_f_searches_and_a_result_opens_its_strategy(qtbot, sample_window):
    window = sample_window
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.workspace.search_panel
    assert window.workspace.search_dock.isVisible() and panel.field.hasFocus()
    qtbot.keyClicks(panel.field, "recruitment fees")
    qtbot.waitUntil(lambda: panel.results.count() > 0, timeout=10000)
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.editor.detail is not None and window.editor.detail.strategy.title == MEKONG,
        timeout=10000,
    )
    idle(qtbot, window)


def test_dropping_a_csv_on_the_window_opens_the_import_wizard(qtbot, sample_window, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    window = sample_window
    csv = tmp_path / "programmes.csv"
    csv.write_text("title,partnership_type,focus\nHotline,ngo_coalition,protection\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(csv))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        QPoint(5, 5), actions, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPoint(5, 5), actions, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, drop)
    wizard = window.workspace.dialog
    assert type(wizard).__name__ == "ImportWizard"
    assert wizard.file_page.path_edit.text() == str(csv)
    wizard.reject()

    other = tmp_path / "notes.txt"
    other.write_text("not importable")
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    refused = QDragEnterEvent(
        QPoint(5, 5), actions, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    refused.ignore()
    QApplication.sendEvent(window, refused)
    assert not refused.isAccepted()
    idle(qtbot, window)


def test_import_and_export_are_in_the_file_menu(qtbot, sample_window):
    window = sample_window
    file_actions = window.menus["File"].actions()
    assert window.actions[ActionId.IMPORT] in file_actions
    assert window.actions[ActionId.EXPORT_DATA] in file_actions
    window.actions[ActionId.EXPORT_DATA].trigger()
    dialog = window.workspace.dialog
    assert type(dialog).__name__ == "ExportDialog"
    dialog.reject()
    idle(qtbot, window)


def test_del_in_the_editor_does_not_trash_the_strategy(qtbot, sample_window, services):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    tree = window.editor.outcomes.tree
    window.editor.tabs.setCurrentWidget(window.editor.outcomes)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    idle(qtbot, window)
    assert any(s.title == MEKONG for s in services.strategies.list())
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: all(s.title != MEKONG for s in services.strategies.list()))
    idle(qtbot, window)
