"""The QApplication and the desktop start-up sequence: open (or recover) the database, then
the main window with the first-run welcome."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from evidencetracker import __version__
from evidencetracker.config import load_preferences
from evidencetracker.db.errors import DatabaseError, NotADatabaseError, WrongPassphraseError
from evidencetracker.services.container import Services
from evidencetracker.services.recovery import open_or_recover, restore_recovered
from evidencetracker.ui import dialogs


def make_qapp() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("EvidenceTracker")
    app.setApplicationName("EvidenceTracker")
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def ask_passphrase(name: str) -> str | None:
    return dialogs.ask_passphrase(None, name)


def open_at_startup(target: str, author) -> Services | None:  # noqa: ANN001
    """Open the database, offering a backup if it is damaged and a passphrase if encrypted.

    Returns None when the person chose to quit (or nothing could be opened).
    """
    from evidencetracker.ui.recovery_dialog import RecoveryChoice, RecoveryDialog

    make_qapp()
    key: str | None = None
    while True:
        try:
            result = open_or_recover(target, author, key=key)
            break
        except (NotADatabaseError, WrongPassphraseError) as exc:
            if not Path(target).exists() or "://" in target:
                dialogs.show_error(None, "Cannot open the database", str(exc))
                return None
            key = ask_passphrase(Path(target).name)
            if key is None:
                dialogs.show_error(None, "Cannot open the database", str(exc))
                return None
        except DatabaseError as exc:
            dialogs.show_error(None, "Cannot open the database", str(exc))
            return None
    if result.warning:
        dialogs.show_info(None, "Where the database is kept", result.warning)
    if result.services is not None:
        return result.services
    dialog = RecoveryDialog(result.recovery)
    dialog.exec()
    if dialog.choice is RecoveryChoice.RESTORE:
        try:
            return restore_recovered(result.recovery, author, key=key)
        except (DatabaseError, OSError) as exc:
            dialogs.show_error(None, "The backup could not be restored", str(exc))
            return None
    if dialog.choice is RecoveryChoice.START_EMPTY:
        return Services.open(target, author, key=key)
    return None


def run(services: Services, first_run: bool) -> int:
    """Show the main window; on a new database, the welcome offers the sample or an empty start."""
    from evidencetracker.ui.main_window import MainWindow

    app = make_qapp()
    window = MainWindow(services, prefs=load_preferences())
    window.show()
    if first_run:
        window.show_welcome()
    code = app.exec()
    window.services.close()
    return code
