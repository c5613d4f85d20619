"""The conflicts view and the sync dialog, driven as a person would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from evidencetracker.ui import dialogs
from evidencetracker.ui.conflicts_view import ConflictsView
from evidencetracker.ui.sync_dialog import SyncDialog
from evidencetracker.ui.tasks import TaskRunner
from tests.sync.conftest import edit, new_strategy

SHOTS = os.environ.get("EVIDENCETRACKER_SCREENSHOTS")  # a folder to save screenshots in


def _shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


@pytest.fixture
def conflicted(tmp_path, laptops):
    """Bob's laptop after a sync that met Ann's edit of the same title and summary."""
    team = str(tmp_path / "team.sqlite")
    ann, bob = laptops("Ann"), laptops("Bob")
    uid = new_strategy(ann, title="Coastal referral network", summary="Shared hotline.")
    ann.sync.sync(team)
    bob.sync.sync(team)
    edit(ann, uid, title="Coastal referral network (2024 pilot)", summary="Hotline and shelters.")
    edit(bob, uid, title="Coastal referral network - phase 2", summary="Shared hotline, 3 ports.")
    ann.sync.sync(team)
    return bob, team, uid


def test_sync_dialog_syncs_and_reports_new_conflicts(qtbot, conflicted):
    bob, team, _uid = conflicted
    tasks = TaskRunner()
    dialog = SyncDialog(bob, tasks, remote=team)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.synced, timeout=20000) as blocker:
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert report.new_conflicts == 2 and report.open_conflicts == 2
    assert "2 new conflicts to decide" in dialog.status.text()
    assert dialog.progress.value() == 100 and dialog.sync_button.isEnabled()
    _shot(dialog, "sync-dialog.png")
    tasks.wait()


def test_sync_dialog_reports_a_failure_and_changes_nothing(qtbot, conflicted, tmp_path):
    bob, _team, _uid = conflicted
    tasks = TaskRunner()
    dialog = SyncDialog(bob, tasks, remote="postgresql+psycopg://nobody@127.0.0.1:1/none")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Nothing was changed"), timeout=20000)
    assert bob.conflicts.open_count() == 0
    tasks.wait()


def test_conflicts_view_lists_values_and_keeps_the_chosen_one(qtbot, conflicted, monkeypatch):
    bob, team, uid = conflicted
    bob.sync.sync(team)
    errors: list = []
    monkeypatch.setattr(dialogs, "show_error", lambda *a: errors.append(a))
    tasks = TaskRunner()
    view = ConflictsView(bob, tasks)
    qtbot.addWidget(view)
    view.resize(900, 520)
    view.show()
    with qtbot.waitSignal(view.count_changed) as blocker:
        view.refresh()
    assert blocker.args == [2]
    cells = [view.table.item(0, c).text() for c in range(view.table.columnCount())]
    assert cells[1] == "Summary" and cells[2] == "Shared hotline."
    assert "Ann" in cells[3] + cells[4] and "Bob" in cells[3] + cells[4]
    assert "(made here)" in cells[3] + cells[4]
    _shot(view, "conflicts-view.png")
    # Keep Ann's summary (the value not made here).
    current = view.current()
    ann_box = view.box_a if not current.a.made_here else view.box_b
    with qtbot.waitSignal(view.count_changed) as blocker:
        qtbot.mouseClick(ann_box.button, Qt.MouseButton.LeftButton)
    assert blocker.args == [1]
    assert bob.strategies.get(uid).summary == "Hotline and shelters."
    # Type an edited title for the other conflict.
    view.edited.setText("Coastal referral network")
    qtbot.mouseClick(view.keep_edited, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: errors or view.table.rowCount() == 0)
    assert errors == []
    assert bob.strategies.get(uid).title == "Coastal referral network"
    assert bob.conflicts.open_count() == 0 and errors == []
    actions = [h.action for h in bob.history.for_strategy(uid)]
    assert actions.count("resolve") == 2
    tasks.wait()


def test_the_open_count_for_the_main_window(conflicted):
    bob, team, uid = conflicted
    assert bob.conflicts.open_count() == 0
    bob.sync.sync(team)
    assert bob.conflicts.open_count() == 2
    assert bob.conflicts.strategies_with_open_conflicts() == {uid}
