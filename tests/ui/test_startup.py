"""Start-up: the window is shown first and says it is opening; then a damaged database is set
aside and its backup offered, an encrypted one asks for its passphrase, a new one offers the
welcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from benchmarks.faults import damage
from evidencetracker.config import Preferences
from evidencetracker.services.container import Services
from evidencetracker.ui.actions import ActionId
from evidencetracker.ui.main_window import MainWindow
from evidencetracker.ui.recovery_dialog import RecoveryChoice, RecoveryDialog


def _with_backup(path: Path, titles: list[str]) -> None:
    svc = Services.open(path, author="Tester")
    for title in titles:
        svc.strategies.create(
            {"title": title, "partnership_type": "other", "focus": ["partnership"]}
        )
    svc.backups.backup_now()
    svc.close()


def _encrypted(path: Path, key: str) -> Path:
    """An encrypted database holding one strategy, "Hidden"."""
    svc = Services.open(path, author="Tester", key=key)
    svc.strategies.create(
        {"title": "Hidden", "partnership_type": "other", "focus": ["partnership"]}
    )
    svc.close()
    return path


def _start(qtbot, target: Path, monkeypatch) -> tuple[MainWindow, list[int]]:
    """What ``application.run`` does before its event loop: show the window, then open."""
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    window = MainWindow(prefs=Preferences(author_name="Tester"))
    qtbot.addWidget(window)
    window.show()
    window.opener.open(str(target), starting=True, remember=False)
    return window, exits


def _close(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=10000)
    window.tasks.wait()
    if window.services is not None:
        window.services.close()


def test_the_window_is_shown_before_the_database_is_open(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "field.sqlite"
    _with_backup(db, ["Kept A"])
    window, exits = _start(qtbot, db, monkeypatch)
    # Nothing has come back from the worker yet: the window says what it is doing, and only
    # what needs no database can be used.
    assert window.services is None
    notice = window.centralWidget()
    assert isinstance(notice, QLabel) and notice.text() == "Opening field.sqlite…"
    assert not window.actions[ActionId.NEW_STRATEGY].isEnabled()
    assert not window.actions[ActionId.IMPORT].isEnabled()
    assert window.actions[ActionId.QUIT].isEnabled()
    qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
    qtbot.waitUntil(lambda: [r.title for r in window.model.rows()] == ["Kept A"], timeout=10000)
    assert window.actions[ActionId.NEW_STRATEGY].isEnabled()
    assert window.actions[ActionId.IMPORT].isEnabled()
    assert window.centralWidget().findChild(QLabel, "opening_notice") is None
    # The hidden gap map computes nothing at start (seconds on a large database).
    assert window.workspace.gap_view.gap is None
    assert exits == []
    _close(qtbot, window)


def test_a_new_database_is_created_and_the_welcome_offered(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "new.sqlite"
    shown = []
    monkeypatch.setattr(MainWindow, "show_welcome", lambda self: shown.append(True))
    window, exits = _start(qtbot, db, monkeypatch)
    qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
    assert db.exists() and shown == [True] and exits == []
    _close(qtbot, window)


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
    window, exits = _start(qtbot, db, monkeypatch)
    qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
    assert sorted(s.title for s in window.services.strategies.list()) == ["Kept A", "Kept B"]
    assert "damaged" in shown[0]
    assert db.with_name("field.sqlite.damaged").exists()
    assert exits == []
    _close(qtbot, window)


def test_quitting_at_the_recovery_dialog_opens_nothing(qtbot, tmp_path, monkeypatch):
    db = tmp_path / "field.sqlite"
    _with_backup(db, ["Kept"])
    damage(db, "not a database")
    monkeypatch.setattr(RecoveryDialog, "exec", lambda dialog: 0)  # choice stays QUIT
    window, exits = _start(qtbot, db, monkeypatch)
    qtbot.waitUntil(lambda: exits == [1], timeout=10000)
    assert window.services is None and not window.isVisible()
    assert db.with_name("field.sqlite.damaged").exists()
    _close(qtbot, window)


def test_a_database_that_cannot_be_opened_ends_the_app_with_an_error(
    qtbot, tmp_path, monkeypatch, answers
):
    from evidencetracker.ui import dialogs

    db = tmp_path / "notes.sqlite"
    db.write_bytes(b"These are notes, not a database.\n" * 200)  # and no backups beside it
    # It might be an encrypted database: the passphrase is asked, and the person cancels.
    asked = []
    monkeypatch.setattr(dialogs, "ask_passphrase", lambda parent, name: asked.append(name))
    window, exits = _start(qtbot, db, monkeypatch)
    qtbot.waitUntil(lambda: exits == [1], timeout=10000)
    assert asked == ["notes.sqlite"]
    assert [a[1] for a in answers["asked"] if a[0] == "error"] == ["Cannot open the database"]
    assert window.services is None
    _close(qtbot, window)


def test_an_encrypted_database_asks_for_its_passphrase(qtbot, tmp_path, monkeypatch, answers):
    pytest.importorskip("sqlcipher3", reason="SQLCipher (the 'encryption' extra) is not installed")
    from evidencetracker.ui import dialogs

    db = _encrypted(tmp_path / "secret.sqlite", "correct horse")
    replies = iter(["wrong", "correct horse"])
    asked = []

    def ask(parent, name: str) -> str:  # noqa: ANN001
        asked.append(name)
        return next(replies)

    monkeypatch.setattr(dialogs, "ask_passphrase", ask)
    window, exits = _start(qtbot, db, monkeypatch)
    qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
    assert [s.title for s in window.services.strategies.list()] == ["Hidden"]
    assert asked == ["secret.sqlite", "secret.sqlite"]
    assert [a for a in answers["asked"] if a[0] == "error"] == [] and exits == []
    _close(qtbot, window)


def test_file_open_asks_the_passphrase_of_an_encrypted_database(
    qtbot, window, tmp_path, monkeypatch
):
    pytest.importorskip("sqlcipher3", reason="SQLCipher (the 'encryption' extra) is not installed")
    from evidencetracker.ui import dialogs
    from tests.ui.conftest import idle

    db = _encrypted(tmp_path / "secret.sqlite", "s3cret")
    asked = []
    monkeypatch.setattr(
        dialogs, "ask_passphrase", lambda parent, name: asked.append(name) or "s3cret"
    )
    window.opener.open(str(db))
    qtbot.waitUntil(lambda: window.services.db.path == db, timeout=10000)
    qtbot.waitUntil(lambda: [r.title for r in window.model.rows()] == ["Hidden"], timeout=10000)
    assert asked == ["secret.sqlite"]
    idle(qtbot, window)
