"""File > New / Open / Recent databases: opening (and migrating) runs on the worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMenu

from evidencetracker.config import save_preferences
from evidencetracker.db.errors import DatabaseError, NotADatabaseError, WrongPassphraseError
from evidencetracker.domain.errors import ServiceError
from evidencetracker.ui import dialogs
from evidencetracker.ui.progress import Progress, progress_dialog

if TYPE_CHECKING:
    from evidencetracker.services.container import Services
    from evidencetracker.services.recovery import OpenResult
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
        services = self.window.services
        current = services.db.display_name if services is not None else None
        entries = [d for d in self.window.prefs.recent_databases if d]
        for target in entries:
            action = menu.addAction(target)
            # While the first database opens (services None), nothing else may be opened.
            action.setEnabled(services is not None and target != current)
            action.triggered.connect(lambda _=False, t=target: self.open(t))
        if not entries:
            menu.addAction("(none yet)").setEnabled(False)

    def open(
        self,
        target: str,
        welcome: bool = False,
        key: str | None = None,
        *,
        starting: bool = False,
        remember: bool = True,
    ) -> None:
        """Open or create ``target`` off the UI thread, with a progress dialog.

        As at start-up: an encrypted file asks for its passphrase, a damaged one is set aside
        and its newest verified backup offered, a cloud or network folder gets a warning. A file
        that did not exist yet is created and the welcome (sample or empty start) is offered.

        ``starting``: the window's first database. The window already shows "Opening…", so no
        progress dialog; if nothing can be opened (or the person quits at the recovery
        dialog), the application ends with exit code 1. ``remember``: note the database in
        the preferences as the one to open next time.
        """
        window = self.window
        if not starting and not window.editor.confirm_leave(lambda: None):
            return
        if starting:
            window.show_opening(Path(target).name if "://" not in target else "team database")
            dialog = None
            author = lambda: window.prefs.author_name  # noqa: E731 - set_services wraps it
        else:
            dialog = progress_dialog(
                window,
                "Opening database",
                f"Opening {Path(target).name}… (a database from an older version is backed up "
                "and upgraded first)",
                Progress(window),
                cancellable=False,
            )
            dialog.show()
            author = window.services.ctx.author

        def close_dialog() -> None:
            if dialog is not None:
                dialog.close()

        def give_up() -> None:
            if starting:  # nothing to show: the application ends, as it began, with no data
                window.close()
                QApplication.exit(1)

        def opened(outcome: tuple[bool, OpenResult]) -> None:
            from evidencetracker.services.container import Services
            from evidencetracker.services.recovery import restore_recovered
            from evidencetracker.ui.recovery_dialog import RecoveryChoice, RecoveryDialog

            created, result = outcome
            if result.warning:
                dialogs.show_info(window, "Where the database is kept", result.warning)
            if result.services is not None:
                done(result.services, created)
                return
            close_dialog()
            recovery = RecoveryDialog(result.recovery, window)
            recovery.exec()
            if recovery.choice is RecoveryChoice.RESTORE:
                window.tasks.submit(
                    lambda: restore_recovered(result.recovery, author, key=key),
                    lambda services: done(services, False),
                    failed,
                )
            elif recovery.choice is RecoveryChoice.START_EMPTY:
                window.tasks.submit(
                    lambda: Services.open(target, author, key=key),
                    lambda services: done(services, False),
                    failed,
                )
            else:
                give_up()

        def done(services: Services, created: bool) -> None:
            close_dialog()
            old = window.services
            window.set_services(services)
            if old is not None:
                window.tasks.submit(old.close, lambda _: None)
            if remember:
                # A server URL is remembered without its password.
                window.prefs.remember_database(
                    target if "://" not in target else services.db.display_name
                )
                save_preferences(window.prefs)
            if not starting:
                window.statusBar().showMessage(f"Opened {services.db.display_name}", 5000)
            if welcome or created:
                window.show_welcome()

        def failed(exc: BaseException) -> None:
            close_dialog()
            local = "://" not in target and Path(target).exists()
            if local and isinstance(exc, NotADatabaseError | WrongPassphraseError):
                passphrase = dialogs.ask_passphrase(window, Path(target).name)
                if passphrase:
                    self.open(
                        target, welcome, key=passphrase, starting=starting, remember=remember
                    )
                    return
            if isinstance(exc, DatabaseError | ServiceError | OSError):
                dialogs.show_error(window, "Cannot open the database", str(exc))
                give_up()
            else:
                give_up()
                raise exc

        window.tasks.submit(lambda: _open(target, author, key), opened, failed)


def _open(target: str, author, key: str | None) -> tuple[bool, OpenResult]:  # noqa: ANN001
    """On the worker: (whether the file is new, the outcome of opening it)."""
    from evidencetracker.db.engine import database_url, sqlite_path
    from evidencetracker.services.recovery import open_or_recover

    path = sqlite_path(database_url(target))
    created = path is not None and not path.exists()
    return created, open_or_recover(target, author, key=key)
