"""File > New / Open / Recent databases: opening (and migrating) runs on the worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from evidencetracker.config import save_preferences
from evidencetracker.db.errors import DatabaseError, NotADatabaseError, WrongPassphraseError
from evidencetracker.domain.errors import ServiceError
from evidencetracker.services.container import Services
from evidencetracker.services.recovery import OpenResult, open_or_recover, restore_recovered
from evidencetracker.ui import dialogs
from evidencetracker.ui.progress import Progress, progress_dialog
from evidencetracker.ui.recovery_dialog import RecoveryChoice, RecoveryDialog

if TYPE_CHECKING:
    from evidencetracker.ui.main_window import MainWindow

FILTERS = "EvidenceTracker databases (*.sqlite *.db);;All files (*)"


class DatabaseOpener:
    """Switches the main window to another database after asking about unsaved changes."""

    def __init__(self, window: MainWindow):
        self.window = window

    def new_database(self) -> None:
        path = dialogs.pick_save_file(self.window, "New database", FILTERS)
        if path:
            if not Path(path).suffix:
                path += ".sqlite"
            if Path(path).exists():
                dialogs.show_error(
                    self.window,
                    "New database",
                    f"{path} already exists. Use Open Database to open it.",
                )
                return
            self.open(path, welcome=True)

    def connect_team_database(self) -> None:
        """File > Connect to Team Database: a PostgreSQL URL, opened like a file."""
        url = dialogs.ask_text(
            self.window,
            "Connect to team database",
            "PostgreSQL URL (for example postgresql+psycopg://evaluator@server/evidence):",
        )
        if url:
            self.open(url.strip())

    def open_database(self) -> None:
        path = dialogs.pick_open_file(self.window, "Open database", FILTERS)
        if path:
            self.open(path)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        current = self.window.services.db.display_name
        entries = [d for d in self.window.prefs.recent_databases if d]
        for target in entries:
            action = menu.addAction(target)
            action.setEnabled(target != current)
            action.triggered.connect(lambda _=False, t=target: self.open(t))
        if not entries:
            menu.addAction("(none yet)").setEnabled(False)

    def open(self, target: str, welcome: bool = False, key: str | None = None) -> None:
        """Open or create ``target`` off the UI thread, with a progress dialog.

        As at start-up: an encrypted file asks for its passphrase, a damaged one is set aside
        and its newest verified backup offered, a cloud or network folder gets a warning.
        """
        window = self.window
        if not window.editor.confirm_leave(lambda: None):
            return
        progress = Progress(window)
        dialog = progress_dialog(
            window,
            "Opening database",
            f"Opening {Path(target).name}… (a database from an older version is backed up "
            "and upgraded first)",
            progress,
            cancellable=False,
        )
        dialog.show()
        author = window.services.ctx.author

        def opened(result: OpenResult) -> None:
            if result.warning:
                dialogs.show_info(window, "Where the database is kept", result.warning)
            if result.services is not None:
                done(result.services)
                return
            dialog.close()
            recovery = RecoveryDialog(result.recovery, window)
            recovery.exec()
            if recovery.choice is RecoveryChoice.RESTORE:
                window.tasks.submit(
                    lambda: restore_recovered(result.recovery, author, key=key), done, failed
                )
            elif recovery.choice is RecoveryChoice.START_EMPTY:
                window.tasks.submit(lambda: Services.open(target, author, key=key), done, failed)

        def done(services: Services) -> None:
            dialog.close()
            old = window.services
            window.set_services(services)
            window.tasks.submit(old.close, lambda _: None)
            # A server URL is remembered without its password.
            window.prefs.remember_database(
                target if "://" not in target else services.db.display_name
            )
            save_preferences(window.prefs)
            window.statusBar().showMessage(f"Opened {services.db.display_name}", 5000)
            if welcome:
                window.show_welcome()

        def failed(exc: BaseException) -> None:
            dialog.close()
            local = "://" not in target and Path(target).exists()
            if local and isinstance(exc, NotADatabaseError | WrongPassphraseError):
                passphrase = dialogs.ask_passphrase(window, Path(target).name)
                if passphrase:
                    self.open(target, welcome, key=passphrase)
                    return
            if isinstance(exc, DatabaseError | ServiceError | OSError):
                dialogs.show_error(window, "Cannot open the database", str(exc))
            else:
                raise exc

        window.tasks.submit(lambda: open_or_recover(target, author, key=key), opened, failed)
