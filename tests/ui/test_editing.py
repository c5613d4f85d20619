"""Editing a strategy: save, validation next to the field, unsaved-changes prompt, conflicts."""

from __future__ import annotations

from PySide6.QtCore import Qt

from evidencetracker.domain.errors import ConflictError, FieldConflict
from evidencetracker.services.container import Services
from evidencetracker.ui.conflict_dialog import ConflictDialog
from tests.ui.conftest import idle, select_title

CTRL = Qt.KeyboardModifier.ControlModifier
MEKONG = "Mekong Ethical Recruitment Alliance"
DANUBE = "Danube Regional Referral Mechanism"


def _uid(services: Services, title: str):
    return next(s.uid for s in services.strategies.list() if s.title == title)


def test_edit_and_save_with_ctrl_s(qtbot, sample_window, services: Services):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    summary = window.editor.overview.form.inputs["summary"]
    summary.setFocus()
    summary.selectAll()
    qtbot.keyClicks(summary, "Recruiters & employers certify fair hiring")
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)
    uid = _uid(services, MEKONG)
    qtbot.waitUntil(
        lambda: services.strategies.get(uid).summary == "Recruiters & employers certify fair hiring"
    )
    qtbot.waitUntil(lambda: not window.isWindowModified())
    idle(qtbot, window)
    history = window.editor.history.tree
    qtbot.waitUntil(lambda: history.topLevelItemCount() > 0)
    assert history.topLevelItem(0).text(1) == "Eva Evaluator"
    assert "summary" in history.topLevelItem(0).text(2)
    assert services.history.for_strategy(uid)[0].author == "Eva Evaluator"


def test_a_validation_error_is_shown_next_to_the_field_and_nothing_is_saved(
    qtbot, sample_window, services: Services
):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    uid = _uid(services, MEKONG)
    before = services.strategies.get(uid)
    form = window.editor.overview.form
    form.inputs["title"].selectAll()
    qtbot.keyClick(form.inputs["title"], Qt.Key.Key_Delete)
    end = form.inputs["period_end"]
    end.selectAll()
    qtbot.keyClicks(end, "2001-01-01")
    qtbot.keyClick(end, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: form.error_text("title") != "")
    idle(qtbot, window)
    assert form.error_text("title") == "Title is required"
    assert not form.errors["title"].isHidden()
    assert form.inputs["title"].accessibleDescription() == "Title is required"
    assert window.isWindowModified()
    after = services.strategies.get(uid)
    assert (after.title, after.version, after.period_end) == (
        before.title,
        before.version,
        before.period_end,
    )
    # With the title back, the cross-field rule names the end date.
    qtbot.keyClicks(form.inputs["title"], "Mekong Alliance")
    qtbot.keyClick(end, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: form.error_text("period_end") != "")
    assert form.error_text("period_end") == "End date is before the start date"
    assert form.error_text("title") == ""
    assert services.strategies.get(uid).version == before.version


def test_switching_with_unsaved_changes_asks_first(
    qtbot, sample_window, services: Services, answers
):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    uid = _uid(services, MEKONG)
    title = window.editor.overview.form.inputs["title"]
    qtbot.keyClick(title, Qt.Key.Key_End)
    qtbot.keyClicks(title, " (edited)")

    answers["save_discard_cancel"] = "cancel"
    select_title_no_wait(qtbot, window, DANUBE)
    assert answers["asked"][-1][0] == "save_discard_cancel"
    assert window.editor.detail.strategy.title == MEKONG
    assert title.text() == MEKONG + " (edited)"
    assert window.browser.selected_uid() == uid

    answers["save_discard_cancel"] = "save"
    select_title(qtbot, window, DANUBE)
    assert services.strategies.get(uid).title == MEKONG + " (edited)"

    qtbot.keyClick(window.editor.overview.form.inputs["title"], Qt.Key.Key_End)
    qtbot.keyClicks(window.editor.overview.form.inputs["title"], " (not kept)")
    answers["save_discard_cancel"] = "discard"
    select_title(qtbot, window, MEKONG + " (edited)")
    assert services.strategies.get(_uid(services, DANUBE)).title == DANUBE


def select_title_no_wait(qtbot, window, title: str) -> None:
    row = next(i for i, r in enumerate(window.model.rows()) if r.title == title)
    rect = window.table.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    idle(qtbot, window)


def test_closing_with_unsaved_changes_asks(qtbot, sample_window, answers):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    qtbot.keyClicks(window.editor.overview.form.inputs["title"], "!")
    answers["save_discard_cancel"] = "cancel"
    window.close()
    assert window.isVisible()
    assert answers["asked"][-1][0] == "save_discard_cancel"
    answers["save_discard_cancel"] = "discard"
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_a_conflicting_save_is_reported_and_nothing_is_overwritten(
    qtbot, sample_window, services: Services, db_path, answers
):
    window = sample_window
    select_title(qtbot, window, MEKONG)
    uid = _uid(services, MEKONG)
    other = Services.open(db_path, author="Someone else")
    try:
        current = other.strategies.get(uid)
        other.strategies.update(uid, current.version, {"title": "Their title"})
        title = window.editor.overview.form.inputs["title"]
        title.selectAll()
        qtbot.keyClicks(title, "My title")

        answers["conflict"] = None  # the person cancels: keep editing, nothing saved
        qtbot.keyClick(title, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: any(a[0] == "conflict" for a in answers["asked"]))
        idle(qtbot, window)
        error = next(a[1] for a in answers["asked"] if a[0] == "conflict")
        assert isinstance(error, ConflictError)
        assert [(c.field, c.yours, c.theirs) for c in error.conflicts] == [
            ("title", "My title", "Their title")
        ]
        assert services.strategies.get(uid).title == "Their title"
        assert window.isWindowModified()

        answers["conflict"] = "mine"  # theirs, then my change on top, at the new version
        qtbot.keyClick(title, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: services.strategies.get(uid).title == "My title")
        idle(qtbot, window)
        assert services.strategies.get(uid).version == current.version + 2

        other.strategies.update(uid, current.version + 2, {"summary": "Theirs again"})
        summary = window.editor.overview.form.inputs["summary"]
        summary.selectAll()
        qtbot.keyClicks(summary, "Mine again")
        answers["conflict"] = "theirs"
        qtbot.keyClick(summary, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: summary.toPlainText() == "Theirs again")
        idle(qtbot, window)
        assert services.strategies.get(uid).summary == "Theirs again"
        assert not window.isWindowModified()
    finally:
        other.close()


def test_the_conflict_dialog_shows_both_values(qtbot):
    error = ConflictError("strategy", "x", 3, 4, [FieldConflict("title", "Mine", "Theirs")])
    dialog = ConflictDialog(error)
    qtbot.addWidget(dialog)
    cells = [dialog.table.item(0, c).text() for c in range(3)]
    assert cells == ["Title", "Mine", "Theirs"]
    qtbot.mouseClick(dialog.mine_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == "mine"
