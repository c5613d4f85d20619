"""Deleting moves to the Trash; the Trash restores; Undo reverses the last delete or save."""

from __future__ import annotations

from PySide6.QtCore import Qt

from evidencetracker.services.container import Services
from evidencetracker.ui.trash_dialog import TrashDialog
from tests.ui.conftest import idle, select_title

CTRL = Qt.KeyboardModifier.ControlModifier
MEKONG = "Mekong Ethical Recruitment Alliance"


def _titles(services: Services) -> set[str]:
    return {s.title for s in services.strategies.list()}


def test_delete_then_undo_then_trash_restore(qtbot, sample_window, services: Services):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: MEKONG not in _titles(services))
    idle(qtbot, window)
    assert [i.title for i in services.history.trash()] == [MEKONG]
    qtbot.waitUntil(lambda: window.model.total == 9)
    assert window.editor.detail is None

    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)  # Undo the delete: restored
    qtbot.waitUntil(lambda: MEKONG in _titles(services))
    idle(qtbot, window)
    assert services.history.trash() == []
    qtbot.waitUntil(lambda: window.model.total == 10)

    select_title(qtbot, window, MEKONG)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: MEKONG not in _titles(services))
    idle(qtbot, window)

    trash = TrashDialog(services, window.tasks, window)
    qtbot.addWidget(trash)
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 1)
    assert trash.tree.topLevelItem(0).text(0) == MEKONG
    assert trash.select_title(MEKONG)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: MEKONG in _titles(services))
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 0)
    assert not trash.empty_label.isHidden()
    idle(qtbot, window)


def test_undo_a_save_goes_back_to_the_earlier_values(qtbot, sample_window, services: Services):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    uid = window.editor.uid
    before = services.strategies.get(uid)
    title = window.editor.overview.form.inputs["title"]
    qtbot.keyClick(title, Qt.Key.Key_End)
    qtbot.keyClicks(title, " II")
    qtbot.keyClick(title, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: services.strategies.get(uid).title == MEKONG + " II")
    idle(qtbot, window)
    assert window.undo_stack.undoText() == f"Save strategy '{MEKONG}'"

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: services.strategies.get(uid).title == MEKONG)
    idle(qtbot, window)
    after = services.strategies.get(uid)
    assert after.version == before.version + 2  # an update back, never a rewrite of history
    qtbot.waitUntil(lambda: title.text() == MEKONG)

    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: services.strategies.get(uid).title == MEKONG + " II")
    idle(qtbot, window)


def test_deleting_an_outcome_goes_to_the_trash_and_undo_restores_it(
    qtbot, sample_window, services: Services
):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    uid = window.editor.uid
    tab = window.editor.outcomes
    window.editor.tabs.setCurrentWidget(tab)
    first = tab.tree.topLevelItem(0)
    tab.tree.setCurrentItem(first)
    outcome_title = first.data(0, Qt.ItemDataRole.UserRole)[1].outcome.title
    count = len(services.strategies.detail(uid).outcomes)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(services.strategies.detail(uid).outcomes) == count - 1)
    idle(qtbot, window)
    assert [(i.entity_type, i.title) for i in services.history.trash()] == [
        ("outcome", outcome_title)
    ]
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: len(services.strategies.detail(uid).outcomes) == count)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.tree.topLevelItemCount() == count)
