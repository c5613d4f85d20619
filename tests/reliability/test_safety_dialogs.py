"""The Backups, Check database and damaged-database windows, driven as a person would."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from benchmarks.faults import damage
from evidencetracker.services.backups import BackupService
from evidencetracker.services.container import Services
from evidencetracker.services.integrity import IntegrityService
from evidencetracker.services.recovery import open_or_recover
from evidencetracker.ui import dialogs
from evidencetracker.ui.backup_dialog import BackupDialog
from evidencetracker.ui.check_dialog import CheckDialog
from evidencetracker.ui.recovery_dialog import RecoveryChoice, RecoveryDialog
from evidencetracker.ui.tasks import TaskRunner
from tests.reliability.conftest import add_strategies

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(widget, name: str) -> None:  # noqa: ANN001
    # Only `make screenshots` refreshes the docs; an ordinary test run leaves the tree alone.
    if not os.environ.get("EVIDENCETRACKER_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_back_up_now_then_restore_with_confirmation(qtbot, filled: Services, monkeypatch):
    tasks = TaskRunner()
    backups = BackupService(filled.db)
    backups.backup_now("auto")
    dialog = BackupDialog(backups, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert dialog.table.item(0, 1).text() == "manual"
    assert dialog.table.item(0, 3).text() == "3"
    _shot(dialog, "backups_dialog.png")
    add_strategies(filled, 2, "later")
    asked = []
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a: asked.append(a[2]) or True)
    dialog.table.selectRow(1)
    with qtbot.waitSignal(dialog.restored, timeout=10000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "3 strategies" in asked[0] and "backed up first" in asked[0]
    filled.db.dispose()
    assert filled.strategies.count() == 3


def test_check_then_repair_after_a_backup(qtbot, services: Services, db_path: Path):
    add_strategies(services, 2)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO tags (name, description, uid, created_at, updated_at, version) VALUES "
        "('stray', '', '0123456789abcdef0123456789abcdef', '2026-01-01', '2026-01-01', 1)"
    )
    conn.commit()
    conn.close()
    dialog = CheckDialog(IntegrityService(services.ctx), TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.repair_button.isEnabled())
    assert "1 problem(s) found" in dialog.summary.text()
    assert "stray" in dialog.results.item(0).text()
    _shot(dialog, "check_dialog.png")
    with qtbot.waitSignal(dialog.repaired, timeout=10000) as blocker:
        qtbot.mouseClick(dialog.repair_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].backup is not None
    assert "now passes every check" in dialog.summary.text()
    _shot(dialog, "check_dialog_repaired.png")


@pytest.mark.parametrize("button", ["restore_button", "empty_button", "quit_button"])
def test_the_damaged_database_window_offers_the_newest_backup(qtbot, db_path: Path, button):
    services = Services.open(db_path)
    add_strategies(services, 4)
    BackupService(services.db).backup_now()
    services.close()
    damage(db_path, "60% truncation")
    recovery = open_or_recover(db_path).recovery
    dialog = RecoveryDialog(recovery)
    qtbot.addWidget(dialog)
    dialog.show()
    when = recovery.backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert when in dialog.restore_button.text()
    assert "renamed to evidence.sqlite.damaged" in dialog.message.text()
    assert "4 strategies" in dialog.message.text()
    if button == "restore_button":
        _shot(dialog, "recovery_dialog.png")
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    expected = {
        "restore_button": RecoveryChoice.RESTORE,
        "empty_button": RecoveryChoice.START_EMPTY,
        "quit_button": RecoveryChoice.QUIT,
    }[button]
    assert dialog.choice is expected
