"""The main window's tools beyond editing: comparison, gap map, briefs, sync, backups, checks.

Each tool is a standalone widget; this module opens it in a dialog or a dock, feeds it the
current selection or filters, and routes what it reports back to the window.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog, QDockWidget, QPushButton, QVBoxLayout, QWidget

from evidencetracker.domain.privacy import Disclosure
from evidencetracker.services.context import ChangeSet
from evidencetracker.ui import dialogs
from evidencetracker.ui.actions import ActionId
from evidencetracker.ui.backup_dialog import BackupDialog
from evidencetracker.ui.brief_dialog import BatchExport, BriefDialog
from evidencetracker.ui.check_dialog import CheckDialog
from evidencetracker.ui.comparison_view import ComparisonView
from evidencetracker.ui.conflicts_view import ConflictsView
from evidencetracker.ui.export_dialog import ExportDialog
from evidencetracker.ui.gap_map_view import GapMapView
from evidencetracker.ui.import_wizard import ImportWizard, kind_of
from evidencetracker.ui.search_panel import SearchPanel
from evidencetracker.ui.sync_dialog import SyncDialog

if TYPE_CHECKING:
    from evidencetracker.ui.main_window import MainWindow

A = ActionId
BACKUP_INTERVAL_MS = 30 * 60 * 1000  # DOMAIN/issue: every 30 minutes when something changed
MAX_COMPARED = 6


def _in_dialog(widget: QWidget, title: str, parent: QWidget, size: tuple[int, int]) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(*size)
    layout = QVBoxLayout(dialog)
    layout.addWidget(widget)
    # Not deleted on close: a job of the widget may still be on its way back from the worker.
    return dialog


class Workspace(QObject):
    """Opens the tools of the main window and keeps their views in step with the data."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.dialog: Any = None
        self.changed_since_backup = False
        act = window.actions
        act[A.CONNECT_TEAM].triggered.connect(window.opener.connect_team_database)
        act[A.COMPARE].triggered.connect(self.compare_selected)
        act[A.EXPORT_BRIEF].triggered.connect(self.export_brief)
        act[A.EXPORT_COMPARISON_BRIEF].triggered.connect(self.export_comparison_brief)
        act[A.EXPORT_PORTFOLIO].triggered.connect(self.export_portfolio)
        act[A.EXPORT_BRIEFS_BATCH].triggered.connect(self.export_briefs_batch)
        act[A.BACKUPS].triggered.connect(self.show_backups)
        act[A.CHECK_DATABASE].triggered.connect(self.check_database)
        act[A.SYNC].triggered.connect(self.show_sync)
        act[A.CONFLICTS].triggered.connect(self.show_conflicts)
        act[A.FIND].triggered.connect(self.show_search)
        act[A.IMPORT].triggered.connect(lambda: self.import_file(None))
        act[A.EXPORT_DATA].triggered.connect(self.export_data)

        self.search_dock = QDockWidget("Search", window)
        self.search_dock.setObjectName("search_dock")
        self.search_dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.search_dock)
        self.search_panel: SearchPanel | None = None

        # Dropping a spreadsheet, citation file or bundle on the window imports it.
        window.setAcceptDrops(True)
        window.installEventFilter(self)

        self.gap_dock = QDockWidget("Evidence gap map", window)
        self.gap_dock.setObjectName("gap_map_dock")
        self.gap_dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.gap_dock)
        act[A.GAP_MAP].setCheckable(True)
        act[A.GAP_MAP].toggled.connect(self.gap_dock.setVisible)
        self.gap_dock.visibilityChanged.connect(self._on_gap_visibility)
        self.gap_view: GapMapView | None = None

        self.conflicts_button = QPushButton()
        self.conflicts_button.setFlat(True)
        self.conflicts_button.setAccessibleName("Open conflicts")
        self.conflicts_button.clicked.connect(self.show_conflicts)
        window.statusBar().addPermanentWidget(self.conflicts_button)

        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_INTERVAL_MS)
        self.backup_timer.timeout.connect(self.scheduled_backup)
        self.backup_timer.start()

    # -- the database changed ------------------------------------------------------------------
    def attach(self) -> None:
        """Called when the window shows a (new) database."""
        window = self.window
        services = window.services
        is_file = services.backups is not None
        for action in (A.BACKUPS, A.CHECK_DATABASE):
            window.actions[action].setEnabled(is_file)
        if self.gap_view is not None:
            self.gap_view.deleteLater()
        self.gap_view = GapMapView(services, window.tasks, load=False)
        self._gap_query = None  # the new view has shown nothing yet
        self.gap_view.cell_activated.connect(self.on_gap_cell)
        self.gap_dock.setWidget(self.gap_view)
        if self.search_panel is not None:
            self.search_panel.deleteLater()
        self.search_panel = SearchPanel(services, window.tasks)
        self.search_panel.strategy_activated.connect(self.open_strategy)
        self.search_dock.setWidget(self.search_panel)
        window.browser.model.loaded.connect(lambda *_: self._sync_gap_query())
        self.update_conflict_count()

    def on_changed(self, change: ChangeSet) -> None:
        self.changed_since_backup = True
        self.update_conflict_count()
        if self.gap_dock.isVisible() and self.gap_view is not None:
            self.gap_view.refresh()
        if self.search_dock.isVisible() and self.search_panel is not None:
            self.search_panel.refresh()

    # -- search, import, export --------------------------------------------------------------
    def show_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        if self.search_panel is not None:
            self.search_panel.focus_search()

    def open_strategy(self, uid: Any) -> None:
        editor = self.window.editor
        editor.confirm_leave(lambda: editor.load(uid))

    def import_file(self, path: str | None) -> None:
        window = self.window
        wizard = ImportWizard(window.services, window.tasks, path, window)
        wizard.imported.connect(
            lambda report: window.statusBar().showMessage(report.summary(), 8000)
        )
        self.dialog = wizard
        wizard.open()

    def export_data(self) -> None:
        window = self.window
        dialog = ExportDialog(
            window.services, window.tasks, window, small_cell_k=window.prefs.small_cell_k
        )
        self.dialog = dialog
        dialog.open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
            path = self._droppable(event)
            if path is None:
                return False
            if isinstance(event, QDragEnterEvent):
                event.acceptProposedAction()
            elif isinstance(event, QDropEvent):
                event.acceptProposedAction()
                self.import_file(path)
            return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _droppable(event: Any) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = urls[0].toLocalFile()
        return path if kind_of(Path(path)) is not None else None

    def update_conflict_count(self) -> None:
        services = self.window.services

        def shown(count: int) -> None:
            self.conflicts_button.setText(
                f"{count} open conflict{'' if count == 1 else 's'}" if count else ""
            )
            self.conflicts_button.setVisible(bool(count))

        self.window.tasks.submit(services.conflicts.open_count, shown, lambda _exc: None)

    def _replace_dialog(self, dialog: QDialog) -> None:
        # The previous tool window goes once nothing can call back into it any more.
        old = self.dialog
        if old is not None and not old.isVisible() and self.window.tasks.pending() == 0:
            old.deleteLater()
        self.dialog = dialog

    # -- comparison and gap map ----------------------------------------------------------------
    def _selected_for_comparison(self) -> list[Any] | None:
        uids = self.window.browser.selected_uids()
        if not 2 <= len(uids) <= MAX_COMPARED:
            dialogs.show_error(
                self.window,
                "Compare strategies",
                f"Select 2 to {MAX_COMPARED} strategies in the list (Ctrl+click or "
                f"Shift+click); {len(uids)} selected.",
            )
            return None
        return uids

    def compare_selected(self) -> None:
        uids = self._selected_for_comparison()
        if uids is None:
            return
        view = ComparisonView(self.window.services, self.window.tasks)
        self._replace_dialog(_in_dialog(view, "Compare strategies", self.window, (1200, 720)))
        view.compare(uids)
        self.dialog.show()

    def _on_gap_visibility(self, visible: bool) -> None:
        self.window.actions[A.GAP_MAP].setChecked(visible)
        if visible:
            self._sync_gap_query()

    def _sync_gap_query(self) -> None:
        # The gap map follows the browser's filters, but not its own cell restriction.
        if self.gap_view is not None and self.gap_dock.isVisible():
            query = replace(self.window.browser.current_query(), uids=())
            if query != getattr(self, "_gap_query", None):
                self._gap_query = query
                self.gap_view.set_query(query)

    def on_gap_cell(self, uids: list[Any]) -> None:
        count = len(uids)
        self.window.browser.restrict_to(
            uids, f"Showing the {count} strateg{'y' if count == 1 else 'ies'} of one gap-map cell"
        )

    # -- briefs ------------------------------------------------------------------------------
    def _brief(self, kind: str, uids: list[Any] = (), query: Any = None) -> None:
        window = self.window
        dialog = BriefDialog(window.services, window.tasks, kind, uids, query, window)
        dialog.small_cell_k.setValue(window.prefs.small_cell_k)
        self.dialog = dialog
        dialog.open()

    def export_brief(self) -> None:
        uid = self.window.editor.uid or self.window.browser.selected_uid()
        if uid is None:
            dialogs.show_error(self.window, "Export brief", "Select a strategy first.")
            return
        self._brief("strategy", [uid])

    def export_comparison_brief(self) -> None:
        uids = self._selected_for_comparison()
        if uids is not None:
            self._brief("comparison", uids)

    def export_portfolio(self) -> None:
        self._brief("portfolio", query=self.window.browser.current_query())

    def export_briefs_batch(self) -> None:
        window = self.window
        uids = window.browser.selected_uids()
        if not uids:
            dialogs.show_error(window, "Export briefs", "Select one or more strategies first.")
            return
        folder = dialogs.pick_folder(window, "Export briefs into folder")
        if not folder:
            return
        disclosure = Disclosure(small_cell_k=window.prefs.small_cell_k)
        batch = BatchExport(
            window.services, window.tasks, uids, Path(folder), None, disclosure, window
        )
        batch.finished.connect(lambda steps: self._batch_done(steps, folder))
        self.batch = batch

    def _batch_done(self, steps: list, folder: str) -> None:
        written = sum(1 for s in steps if s.status == "written")
        self.window.statusBar().showMessage(f"{written} brief(s) written to {folder}", 8000)

    # -- safety ------------------------------------------------------------------------------
    def show_backups(self) -> None:
        window = self.window
        if window.services.backups is None:
            return
        dialog = BackupDialog(window.services.backups, window.tasks, window)
        dialog.restored.connect(lambda _info: self._reopen_after_restore())
        self.dialog = dialog
        dialog.open()

    def _reopen_after_restore(self) -> None:
        # The restored file replaced the database under the open services: open it afresh.
        path = self.window.services.db.path
        if path is not None:
            self.window.opener.open(str(path))

    def check_database(self) -> None:
        window = self.window
        if window.services.integrity is None:
            return
        dialog = CheckDialog(window.services.integrity, window.tasks, window)
        dialog.repaired.connect(lambda _report: window.browser.refresh())
        self.dialog = dialog
        dialog.open()

    def scheduled_backup(self) -> None:
        backups = self.window.services.backups
        if backups is None:
            return
        changed, self.changed_since_backup = self.changed_since_backup, False
        self.window.tasks.submit(
            lambda: backups.maybe_backup(changed), lambda _r: None, self.window.on_error
        )

    # -- team work ---------------------------------------------------------------------------
    def show_sync(self) -> None:
        window = self.window
        dialog = SyncDialog(window.services, window.tasks, window.prefs.team_database, window)
        dialog.synced.connect(lambda _report: self._after_sync(dialog))
        self.dialog = dialog
        dialog.open()

    def _after_sync(self, dialog: SyncDialog) -> None:
        remote = dialog.remote.text().strip()
        if remote and "://" in remote:
            from evidencetracker.config import save_preferences

            self.window.prefs.team_database = remote
            save_preferences(self.window.prefs)
        self.window.browser.refresh()
        self.update_conflict_count()

    def show_conflicts(self) -> None:
        view = ConflictsView(self.window.services, self.window.tasks)
        view.resolved.connect(lambda _c: self.window.browser.refresh())
        view.count_changed.connect(lambda _n: self.update_conflict_count())
        self._replace_dialog(_in_dialog(view, "Conflicts", self.window, (900, 600)))
        view.refresh()
        self.dialog.show()
