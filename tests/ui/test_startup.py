"""Start-up: a damaged database is set aside and its backup offered; an encrypted one asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.faults import damage
from evidencetracker.services.container import Services
from evidencetracker.ui import application
from evidencetracker.ui.recovery_dialog import RecoveryChoice, RecoveryDialog


def _with_backup(path: Path, titles: list[str]) -> None:
    svc = Services.open(path, author="Tester")
    for title in titles:
        svc.strategies.create(
            {"title": title, "partnership_type": "other", "focus": ["partnership"]}
        )
    svc.backups.backup_now()
    svc.close()


def test_a_damaged_database_is_restored_from_its_backup_at_start_up(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "field.sqlite"
    _with_backup(db, ["Kept A", "Kept B"])
    damage(db, "60% truncation")
    shown = []

    def choose_restore(dialog: RecoveryDialog) -> int:
        shown.append(dialog.message.text())
        dialog.choice = RecoveryChoice.RESTORE
        return 1

    monkeypatch.setattr(RecoveryDialog, "exec", choose_restore)
    services = application.open_at_startup(str(db), "Tester")
    try:
        assert services is not None
        assert sorted(s.title for s in services.strategies.list()) == ["Kept A", "Kept B"]
    finally:
        services.close()
    assert "damaged" in shown[0]
    assert db.with_name("field.sqlite.damaged").exists()


def test_quitting_at_the_recovery_dialog_opens_nothing(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "field.sqlite"
    _with_backup(db, ["Kept"])
    damage(db, "not a database")
    monkeypatch.setattr(RecoveryDialog, "exec", lambda dialog: 0)  # choice stays QUIT
    assert application.open_at_startup(str(db), "Tester") is None
    assert db.with_name("field.sqlite.damaged").exists()


def test_an_encrypted_database_asks_for_its_passphrase(qtbot, tmp_path, monkeypatch):
    pytest.importorskip("sqlcipher3", reason="SQLCipher (the 'encryption' extra) is not installed")
    db = tmp_path / "secret.sqlite"
    svc = Services.open(db, author="Tester", key="correct horse")
    svc.strategies.create(
        {"title": "Hidden", "partnership_type": "other", "focus": ["partnership"]}
    )
    svc.close()
    answers = iter(["wrong", "correct horse"])
    asked = []

    def ask(name: str) -> str:
        asked.append(name)
        return next(answers)

    errors = []
    monkeypatch.setattr(application, "ask_passphrase", ask)
    monkeypatch.setattr(application.dialogs, "show_error", lambda *a: errors.append(a))
    services = application.open_at_startup(str(db), "Tester")
    try:
        assert [s.title for s in services.strategies.list()] == ["Hidden"]
    finally:
        services.close()
    assert asked == ["secret.sqlite", "secret.sqlite"] and errors == []


def test_file_open_asks_the_passphrase_of_an_encrypted_database(
    qtbot, window, tmp_path, monkeypatch
):
    pytest.importorskip("sqlcipher3", reason="SQLCipher (the 'encryption' extra) is not installed")
    from evidencetracker.ui import dialogs
    from tests.ui.conftest import idle

    db = tmp_path / "secret.sqlite"
    svc = Services.open(db, author="Tester", key="s3cret")
    svc.strategies.create(
        {"title": "Hidden", "partnership_type": "other", "focus": ["partnership"]}
    )
    svc.close()
    asked = []
    monkeypatch.setattr(
        dialogs, "ask_passphrase", lambda parent, name: asked.append(name) or "s3cret"
    )
    window.opener.open(str(db))
    qtbot.waitUntil(lambda: window.services.db.path == db, timeout=10000)
    qtbot.waitUntil(lambda: [r.title for r in window.model.rows()] == ["Hidden"], timeout=10000)
    assert asked == ["secret.sqlite"]
    idle(qtbot, window)
