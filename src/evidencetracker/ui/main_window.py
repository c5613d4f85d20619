"""The main window: lays out the strategy browser and editor, and wires actions to them.

The window is shown before the database is open: at start-up it paints its menus, tool bar and
an "Opening…" notice at once, and ``set_services`` fills it when the database is ready. So this
module imports only Qt and light modules at the top; the browser, the editor and the services
are imported when the first database arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from evidencetracker.config import Preferences, load_preferences, save_preferences
from evidencetracker.ui import window_state
from evidencetracker.ui.actions import ActionId, Actions
from evidencetracker.ui.changes import ChangeRelay
from evidencetracker.ui.database_opener import DatabaseOpener
from evidencetracker.ui.menus import build_menus
from evidencetracker.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from evidencetracker.services.container import Services
    from evidencetracker.services.context import ChangeSet
    from evidencetracker.ui.strategy_browser import StrategyBrowser
    from evidencetracker.ui.strategy_editor import StrategyEditor
    from evidencetracker.ui.workspace import Workspace

A = ActionId
# Usable while no database is open yet (start-up): everything else waits for set_services.
_WITHOUT_DATABASE = (A.QUIT, A.ABOUT)


class MainWindow(QMainWindow):
    services: Services | None
    browser: StrategyBrowser
    editor: StrategyEditor
    workspace: Workspace | None

    def __init__(
        self,
        services: Services | None = None,
        tasks: TaskRunner | None = None,
        prefs: Preferences | None = None,
    ):
        super().__init__()
        self.prefs = prefs if prefs is not None else load_preferences()
        self.tasks = tasks or TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.actions = Actions(self)
        self.relay = ChangeRelay(self)
        self.relay.changed.connect(self.on_changed)
        self.opener = DatabaseOpener(self)
        self.dialog: Any = None  # the non-modal dialog open now (Trash, Preferences, …)
        self.services = None
        self.workspace = None
        self.resize(1280, 800)
        self.sample_notice = QLabel()
        self.sample_notice.setStyleSheet("color: #7a4b00; padding: 2px 4px;")
        self.sample_notice.hide()
        self._wire_actions()
        build_menus(self)
        window_state.restore_window(self)
        self._held = [
            action
            for name, action in self.actions.all().items()
            if name not in _WITHOUT_DATABASE and action.isEnabled()
        ]
        for action in self._held:
            action.setEnabled(False)
        self.setWindowTitle("EvidenceTracker")
        if services is not None:
            self.set_services(services)

    def show_opening(self, name: str) -> None:
        """What the window shows while its first database opens (start-up)."""
        notice = QLabel(f"Opening {name}…")
        notice.setObjectName("opening_notice")
        notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        notice.setStyleSheet("color: #555; font-size: 15px;")
        self.setCentralWidget(notice)
        self.setWindowTitle(f"EvidenceTracker — {name}")
        self.statusBar().showMessage(f"Opening {name}…")

    # -- building ----------------------------------------------------------------------------
    def set_services(self, services: Services) -> None:
        """Show ``services``' database: a fresh browser and editor over it."""
        from evidencetracker.services.sample import SAMPLE_LABEL
        from evidencetracker.ui.strategy_browser import StrategyBrowser
        from evidencetracker.ui.strategy_editor import StrategyEditor
        from evidencetracker.ui.workspace import Workspace

        first = self.services is None
        if first:
            for action in self._held:
                action.setEnabled(True)
            self._held = []
            self.sample_notice.setText(SAMPLE_LABEL)
        if self.workspace is None:
            self.workspace = Workspace(self)
        self.services = services
        original = services.ctx.author
        services.ctx.author = lambda: self.prefs.author_name or original()
        self.relay.attach(services)
        self.undo_stack.clear()
        old = self.centralWidget()
        self.browser = StrategyBrowser(services, self.tasks)
        self.editor = StrategyEditor(services, self.tasks, self.undo_stack, self.prefs)
        self.model = self.browser.model
        self.table = self.browser.table
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.editor)
        self.splitter.setChildrenCollapsible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.sample_notice)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        if old is not None:
            for editor in old.findChildren(StrategyEditor):
                editor.attachments.cleanup()
            old.deleteLater()
        # Del deletes the strategy only from the list: pressed in an outcome tree or a table of
        # the editor, it must not send the whole strategy to the Trash.
        delete = self.actions[A.DELETE_STRATEGY]
        self.removeAction(delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(delete)
        self.browser.current_changed.connect(self.on_browser_selection)
        self.browser.model.loaded.connect(self._on_rows_loaded)
        self.browser.model.failed.connect(self.on_error)
        self.editor.dirty_changed.connect(self._update_title)
        self.editor.strategy_changed.connect(self.on_editor_strategy)
        self.editor.status.connect(self._on_status)
        self.editor.save_failed.connect(lambda: self.browser.select(self.editor.uid))
        self._update_title()
        if first and not window_state.restore_layout(self.splitters(), self.headers()):
            self.splitter.setSizes([470, 810])
        self.statusBar().showMessage("Loading strategies…")
        self.browser.refresh()
        self.workspace.attach()
        if first:
            # The window's saved state was restored before the docks existed (start-up order).
            for dock in (self.workspace.search_dock, self.workspace.gap_dock):
                self.restoreDockWidget(dock)

    def splitters(self) -> list[QSplitter]:
        return [
            self.splitter,
            *self.findChildren(QSplitter, "outcomes_splitter"),
            *self.findChildren(QSplitter, "evidence_splitter"),
        ]

    def headers(self) -> dict[str, Any]:
        return {"strategies": self.table.horizontalHeader()}

    def _wire_actions(self) -> None:
        act = self.actions
        act[A.NEW_DATABASE].triggered.connect(self.opener.new_database)
        act[A.OPEN_DATABASE].triggered.connect(self.opener.open_database)
        act[A.PREFERENCES].triggered.connect(self.edit_preferences)
        act[A.QUIT].triggered.connect(self.close)
        act[A.NEW_STRATEGY].triggered.connect(self.new_strategy)
        act[A.SAVE].triggered.connect(lambda: self.editor.save())
        act[A.REVERT].triggered.connect(lambda: self.editor.revert())
        act[A.DELETE_STRATEGY].triggered.connect(self.delete_strategy)
        act[A.UNDO].triggered.connect(self.undo_stack.undo)
        act[A.REDO].triggered.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(act[A.UNDO].setEnabled)
        self.undo_stack.canRedoChanged.connect(act[A.REDO].setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda t: act[A.UNDO].setText(f"&Undo {t}" if t else "&Undo")
        )
        self.undo_stack.redoTextChanged.connect(
            lambda t: act[A.REDO].setText(f"&Redo {t}" if t else "&Redo")
        )
        act[A.UNDO].setEnabled(False)
        act[A.REDO].setEnabled(False)
        act[A.FILTER].triggered.connect(self.focus_filter)
        act[A.REFRESH].triggered.connect(lambda: self.browser.refresh())
        act[A.TRASH].triggered.connect(self.show_trash)
        act[A.LOAD_SAMPLE].triggered.connect(self.load_sample)
        act[A.ABOUT].triggered.connect(self.show_about)

    # -- browsing ----------------------------------------------------------------------------
    def on_browser_selection(self, uid: Any) -> None:
        if uid is None or uid == self.editor.uid:
            return
        if not self.editor.confirm_leave(lambda: self.editor.load(uid)):
            self.browser.select(self.editor.uid)

    def on_editor_strategy(self, uid: Any) -> None:
        # The list follows what the editor shows, also when a load finished after a refresh.
        if uid is not None and self.browser.selected_uid() != uid:
            self.browser.select(uid)
        self._update_title()

    def _on_rows_loaded(self, held: int, total: int) -> None:
        self.statusBar().showMessage(f"{total:,} strateg{'y' if total == 1 else 'ies'}")
        self.sample_notice.setVisible(any(r.is_sample for r in self.model.rows()[:500]))

    def on_changed(self, change: ChangeSet) -> None:
        """A commit (here or in a job): refresh the list, and the editor if it is affected."""
        self.browser.refresh(select=lambda: self.editor.uid)
        self.workspace.on_changed(change)
        uid = self.editor.uid
        touches_editor = uid is not None and (
            uid in change.strategy_uids or not change.strategy_uids
        )
        if touches_editor and not self.editor.saving:
            self.editor.reload_if_clean()

    def focus_filter(self) -> None:
        self.browser.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.browser.filter_edit.selectAll()

    # -- strategies --------------------------------------------------------------------------
    def new_strategy(self) -> None:
        self.editor.confirm_leave(self.editor.new_strategy)

    def delete_strategy(self) -> None:
        uid = self.browser.selected_uid() or self.editor.uid
        if uid is None:
            return
        record = self.model.row_record(self.model.row_of(uid))
        title = record.title if record is not None else "the strategy"
        if uid == self.editor.uid:
            self.editor.revert()
            self.editor.clear()
        self.editor.trash(f"strategy '{title}'", self.services.strategies, uid)

    # -- dialogs -----------------------------------------------------------------------------
    def show_trash(self) -> None:
        from evidencetracker.ui.trash_dialog import TrashDialog

        self.dialog = TrashDialog(self.services, self.tasks, self)
        self.dialog.open()

    def show_about(self) -> None:
        from evidencetracker.ui.about_dialog import AboutDialog

        self.dialog = AboutDialog(self)
        self.dialog.open()

    def edit_preferences(self) -> None:
        from evidencetracker.ui.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self.prefs, self)

        def accepted() -> None:
            dialog.apply_to(self.prefs)
            save_preferences(self.prefs)
            self.statusBar().showMessage("Preferences saved", 4000)

        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()

    def show_welcome(self) -> None:
        from evidencetracker.ui.welcome_dialog import WelcomeDialog

        dialog = WelcomeDialog(self.services.db.display_name, self)

        def finished() -> None:
            self.prefs.welcome_done = True
            save_preferences(self.prefs)
            if dialog.choice == "sample":
                self.load_sample()

        dialog.finished.connect(finished)
        self.dialog = dialog
        dialog.open()

    def load_sample(self) -> None:
        from evidencetracker.services.sample import load_sample

        self.statusBar().showMessage("Loading the illustrative sample…")
        services = self.services
        self.tasks.submit(
            lambda: load_sample(services),
            lambda n: self.statusBar().showMessage(f"Added {n} example strategies", 5000),
            self.on_error,
        )

    # -- window ------------------------------------------------------------------------------
    def _update_title(self, *_: Any) -> None:
        name = self.services.db.display_name
        detail = self.editor.detail
        if self.editor.creating:
            subject = "New strategy"
        elif detail is not None:
            subject = detail.strategy.title
        else:
            subject = ""
        prefix = f"{subject}[*] — " if subject else "[*]"
        self.setWindowTitle(f"{prefix}EvidenceTracker — {name}")
        self.setWindowModified(self.editor.is_dirty())
        self.actions[A.SAVE].setEnabled(self.editor.is_dirty())
        self.actions[A.REVERT].setEnabled(self.editor.is_dirty())

    def _on_status(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text, 8000)
        else:
            self.statusBar().clearMessage()

    def on_error(self, exc: BaseException) -> None:
        self.statusBar().showMessage(f"Error: {exc}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.services is None:  # closed while the first database was still opening
            window_state.save_state(self, [], {})
            event.accept()
            return
        if self.editor.is_dirty():
            event.ignore()
            self.editor.confirm_leave(self._close_now)
            return
        self._finish_close()
        event.accept()

    def _close_now(self) -> None:
        # Saved or discarded: close again once this close event is over (close() is not
        # re-entrant).
        self.editor.revert()
        QTimer.singleShot(0, self.close)

    def _finish_close(self) -> None:
        self.editor.attachments.cleanup()
        window_state.save_state(self, self.splitters(), self.headers())
        self.relay.detach()
        self.tasks.wait(10000)
