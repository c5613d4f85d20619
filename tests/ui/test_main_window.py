"""The main window: sample listing, welcome, preferences, About, files, window state, keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from evidencetracker.config import load_preferences
from evidencetracker.services.container import Services
from evidencetracker.services.sample import SAMPLE_LABEL
from evidencetracker.ui import dialogs
from evidencetracker.ui.about_dialog import AboutDialog
from evidencetracker.ui.actions import ActionId
from evidencetracker.ui.main_window import MainWindow
from evidencetracker.ui.preferences_dialog import PreferencesDialog
from evidencetracker.ui.welcome_dialog import WelcomeDialog
from tests.ui.conftest import idle, select_title

LEFT = Qt.MouseButton.LeftButton


def test_the_window_lists_the_sample_strategies(qtbot, sample_window):
    window = sample_window
    assert window.model.rowCount() == 10
    titles = {window.model.index(r, 0).data() for r in range(10)}
    assert "Mekong Ethical Recruitment Alliance" in titles
    assert window.sample_notice.isVisibleTo(window)
    assert window.sample_notice.text() == SAMPLE_LABEL
    assert window.statusBar().currentMessage() == "10 strategies"


@pytest.mark.parametrize("button, expected", [("sample_button", 10), ("empty_button", 0)])
def test_first_run_welcome_loads_the_sample_or_starts_empty(
    qtbot, window, services: Services, button, expected
):
    window.show_welcome()
    dialog = window.dialog
    assert isinstance(dialog, WelcomeDialog) and dialog.isVisible()
    assert SAMPLE_LABEL in dialog.findChildren(QLabel)[1].text()
    qtbot.mouseClick(getattr(dialog, button), LEFT)
    idle(qtbot, window)
    assert services.strategies.count() == expected
    qtbot.waitUntil(lambda: window.model.rowCount() == expected)
    assert load_preferences().welcome_done


def test_preferences_are_saved_and_name_the_author_of_changes(
    qtbot, sample_window, services: Services
):
    window = sample_window
    window.actions[ActionId.PREFERENCES].trigger()
    dialog = window.dialog
    assert isinstance(dialog, PreferencesDialog)
    dialog.author.clear()
    qtbot.keyClicks(dialog.author, "Ana Field")
    dialog.currency.clear()
    qtbot.keyClicks(dialog.currency, "eu")
    qtbot.keyClick(dialog.author, Qt.Key.Key_Return)
    assert dialog.isVisible() and "three-letter" in dialog.error.text()  # refused, says why
    qtbot.keyClicks(dialog.currency, "r")
    dialog.k.setValue(5)
    qtbot.keyClick(dialog.author, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    saved = load_preferences()
    assert (saved.author_name, saved.default_currency, saved.small_cell_k) == (
        "Ana Field",
        "EUR",
        5,
    )

    select_title(qtbot, window, "Mekong Ethical Recruitment Alliance")
    title = window.editor.overview.form.inputs["title"]
    qtbot.keyClick(title, Qt.Key.Key_End)
    qtbot.keyClicks(title, " 2")
    qtbot.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    idle(qtbot, window)
    uid = window.editor.uid
    qtbot.waitUntil(lambda: services.history.for_strategy(uid)[0].action == "update")
    assert services.history.for_strategy(uid)[0].author == "Ana Field"
    # A new strategy starts with the default currency.
    window.actions[ActionId.NEW_STRATEGY].trigger()
    assert window.editor.overview.form.raw_value("cost_currency") == "EUR"


def test_about_names_version_and_licences(qtbot, window):
    window.actions[ActionId.ABOUT].trigger()
    dialog = window.dialog
    assert isinstance(dialog, AboutDialog)
    text = dialog.text.toPlainText()
    from evidencetracker import __version__

    assert __version__ in text
    assert "MIT" in text and "LGPLv3" in text and "DejaVu" in text
    assert "Bitstream" in text  # the font licence itself, read from resources
    dialog.close()


def test_every_action_is_in_a_menu_and_standard_shortcuts_are_used(qtbot, window):
    in_menus = {a for m in window.menus.values() for a in m.actions()}
    for action_id, action in window.actions.all().items():
        assert action in in_menus, action_id
    keys = {i: window.actions[i].shortcut() for i in ActionId}
    assert keys[ActionId.SAVE] == QKeySequence(QKeySequence.StandardKey.Save)
    assert keys[ActionId.UNDO] == QKeySequence("Ctrl+Z")
    assert keys[ActionId.FIND] == QKeySequence("Ctrl+F")
    assert keys[ActionId.FILTER] == QKeySequence("Ctrl+L")
    assert keys[ActionId.NEW_STRATEGY] == QKeySequence("Ctrl+N")
    assert keys[ActionId.OPEN_DATABASE] == QKeySequence("Ctrl+O")


def test_inputs_have_accessible_names_and_tab_follows_the_form(qtbot, sample_window):
    window = sample_window
    select_title(qtbot, window, "Mekong Ethical Recruitment Alliance")
    form = window.editor.overview.form
    for name, widget in form.inputs.items():
        assert widget.accessibleName(), name
        label = form.labels[name]
        if label.text():
            assert label.buddy() is not None, name
    order, widget = [], form.inputs["title"]
    widget.setFocus()
    for _ in range(4):
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
        order.append(widget)
    assert order[:3] == [
        form.inputs["summary"],
        form.inputs["description"],
        form.inputs["partnership_type"],
    ]


def test_window_layout_is_remembered(qtbot, services: Services):
    from evidencetracker.config import Preferences

    first = MainWindow(services, prefs=Preferences())
    qtbot.addWidget(first)
    first.show()
    first.resize(1100, 700)
    first.splitter.setSizes([300, 800])
    first.table.horizontalHeader().resizeSection(0, 333)
    first.close()
    second = MainWindow(services, prefs=Preferences())
    qtbot.addWidget(second)
    # (The offscreen screen is 800 pixels wide, so the restored geometry is fitted into it.)
    assert second.table.horizontalHeader().sectionSize(0) == 333
    from evidencetracker.ui import window_state

    assert window_state.settings().value("splitter/main_splitter") is not None
    second.tasks.wait()
    second.close()


def test_new_database_opens_on_the_worker_and_is_remembered(
    qtbot, sample_window, tmp_path: Path, monkeypatch
):
    window = sample_window
    target = tmp_path / "field-notes.sqlite"
    monkeypatch.setattr(dialogs, "pick_save_file", lambda *a: str(target))
    window.actions[ActionId.NEW_DATABASE].trigger()
    qtbot.waitUntil(lambda: window.services.db.path == target, timeout=15000)
    idle(qtbot, window)
    assert target.exists()
    qtbot.waitUntil(lambda: window.model.total == 0)
    assert load_preferences().recent_databases[0] == str(target)
    assert isinstance(window.dialog, WelcomeDialog)
    window.dialog.reject()
    assert "field-notes.sqlite" in window.windowTitle()
    window.opener.fill_recent_menu(window.recent_menu)
    assert str(target) in [a.text() for a in window.recent_menu.actions()]


def test_attachments_are_stored_and_opened(qtbot, sample_window, services: Services, tmp_path):
    window = sample_window
    select_title(qtbot, window, "Mekong Ethical Recruitment Alliance")
    uid = window.editor.uid
    report = tmp_path / "evaluation report.txt"
    report.write_bytes(b"Findings: wages recovered.\n" * 1000)
    tab = window.editor.attachments
    tab.add_files([str(report)])
    qtbot.waitUntil(lambda: len(services.strategies.detail(uid).attachments) == 1, timeout=10000)
    idle(qtbot, window)
    stored = services.strategies.detail(uid).attachments[0]
    assert stored.filename == "evaluation report.txt" and stored.size == report.stat().st_size
    qtbot.waitUntil(lambda: tab.list.topLevelItemCount() == 1)
    tab.list.setCurrentItem(tab.list.topLevelItem(0))
    qtbot.mouseClick(tab.open_button, LEFT)
    idle(qtbot, window)
    assert Path(tab.last_opened).read_bytes() == report.read_bytes()


def test_a_new_strategy_refused_by_validation_is_not_created(qtbot, window, services: Services):
    window.actions[ActionId.NEW_STRATEGY].trigger()
    form = window.editor.overview.form
    qtbot.keyClicks(form.inputs["title"], "No Ps chosen")
    qtbot.keyClicks(form.inputs["cost_amount"], "abc")
    window.actions[ActionId.SAVE].trigger()
    qtbot.waitUntil(lambda: form.error_text("focus") != "")
    idle(qtbot, window)
    assert form.error_text("focus") == "Focus (4Ps): choose at least one"
    assert form.error_text("cost_amount") == "Cost 'abc' is not an amount"
    assert services.strategies.count() == 0
    box = form.inputs["focus"].boxes["prevention"]
    qtbot.mouseClick(box, LEFT, pos=QPoint(6, box.height() // 2))
    form.inputs["cost_amount"].clear()
    window.actions[ActionId.SAVE].trigger()
    qtbot.waitUntil(lambda: services.strategies.count() == 1)
    idle(qtbot, window)
    window.undo_stack.undo()  # undoing a creation moves it to the Trash
    qtbot.waitUntil(lambda: services.strategies.count() == 0)
    assert [i.title for i in services.history.trash()] == ["No Ps chosen"]
    idle(qtbot, window)
