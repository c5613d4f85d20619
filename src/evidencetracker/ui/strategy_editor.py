"""The strategy editor: tabs over one strategy, Save/Revert, conflicts, undo of saves.

Each tab is a QWidget with ``show_strategy(detail)``; ``add_tab`` is all it takes to add one.
Forms that edit a record register an Editable; Save writes every changed one in turn, each in
its own transaction, and pushes an undo command per save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from evidencetracker.config import Preferences
from evidencetracker.domain.errors import ConflictError, NotFoundError, ValidationError
from evidencetracker.domain.records import StrategyDetail
from evidencetracker.services.container import Services
from evidencetracker.ui import dialogs
from evidencetracker.ui.attachments_tab import AttachmentsTab
from evidencetracker.ui.editable import Editable
from evidencetracker.ui.evidence_tab import EvidenceTab
from evidencetracker.ui.forms import ERROR_STYLE
from evidencetracker.ui.history_tab import HistoryTab
from evidencetracker.ui.outcomes_tab import OutcomesTab
from evidencetracker.ui.overview_tab import OverviewTab
from evidencetracker.ui.partners_tab import PartnersTab
from evidencetracker.ui.rating_tab import RatingTab
from evidencetracker.ui.tasks import TaskRunner
from evidencetracker.ui.undo_commands import ToggleCommand, UpdateCommand


def summary_html(detail: StrategyDetail) -> str:
    """The detail header: title, rating and what the strategy holds."""
    from html import escape

    s = detail.strategy
    rating = s.headline_level.label
    if s.headline_certainty is not None:
        rating += f", {s.headline_certainty.label.lower()} certainty"
    flags = []
    if s.harm_flag:
        flags.append("<span style='color:#b00020'>⚠ an outcome is rated Harmful</span>")
    if s.confidential:
        flags.append("<b>CONFIDENTIAL</b>")
    if s.is_sample:
        flags.append("<span style='color:#7a4b00'>Illustrative sample</span>")
    counts = " · ".join(
        f"{n} {word if n == 1 else word + 's'}"
        for n, word in (
            (len(detail.partners), "partner"),
            (len(detail.outcomes), "outcome"),
            (len(detail.sources), "evidence source"),
            (len(detail.attachments), "attachment"),
        )
    )
    return (
        f"<span style='font-size:14pt; font-weight:600'>{escape(s.title)}</span><br>"
        f"{escape(s.partnership_type.label)} · {escape(s.status.label)} · Rating: "
        f"<b>{escape(rating)}</b> · {counts}" + (f"<br>{' · '.join(flags)}" if flags else "")
    )


class StrategyEditor(QWidget):
    dirty_changed = Signal(bool)
    save_failed = Signal()
    strategy_changed = Signal(object)  # uid of the strategy shown (or None), after load or save
    status = Signal(str)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        undo_stack: QUndoStack,
        prefs: Preferences | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services, self.tasks, self.undo_stack = services, tasks, undo_stack
        self.prefs = prefs or Preferences()
        self.detail: StrategyDetail | None = None
        self.creating = False
        self.editables: list[Editable] = []
        self._dirty = False
        self.saving = False
        self._after_save: list[Callable[[], None]] = []

        self.header = QLabel("Select a strategy in the list, or create one with New Strategy.")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setAccessibleName("Strategy summary")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_widgets: list[QWidget] = []

        self.overview = OverviewTab(self)
        self.partners = PartnersTab(services, tasks, self)
        self.outcomes = OutcomesTab(services, tasks, self)
        self.evidence = EvidenceTab(services, tasks, self)
        self.attachments = AttachmentsTab(services, tasks, self)
        self.history = HistoryTab(services, tasks, self)
        self.add_tab(self.overview, "&Overview")
        self.add_tab(self.partners, "&Partners")
        self.add_tab(self.outcomes, "Outcomes and &indicators")
        self.add_tab(self.evidence, "&Evidence")
        self.rating = RatingTab(services, tasks)
        self.add_tab(self.rating, "&Rating")
        self.add_tab(self.attachments, "Attach&ments")
        self.add_tab(self.history, "&History")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    # -- structure ---------------------------------------------------------------------------
    def add_tab(self, widget: QWidget, title: str) -> None:
        """Add a tab; it gets ``show_strategy(detail)`` whenever a strategy is (re)loaded."""
        self.tab_widgets.append(widget)
        self.tabs.addTab(widget, title)
        if self.detail is not None and hasattr(widget, "show_strategy"):
            widget.show_strategy(self.detail)

    def register(self, editable: Editable) -> Editable:
        """Track a form whose changes Save writes and Revert discards."""
        self.editables.append(editable)
        editable.form.changed.connect(self.update_dirty)
        if editable.tags_edit is not None:
            editable.tags_edit.textEdited.connect(self.update_dirty)
        return editable

    # -- loading -----------------------------------------------------------------------------
    @property
    def uid(self) -> Any:
        return self.detail.strategy.uid if self.detail is not None else None

    def load(self, uid: Any, on_loaded: Callable[[], None] | None = None) -> None:
        self.status.emit("Loading the strategy…")
        self.tasks.submit(
            lambda: self.services.strategies.detail(uid),
            lambda d: self._on_loaded(d, on_loaded),
            self._on_load_error,
        )

    def delete_rows(self, parent: QWidget, table: Any, service: Any, noun: str) -> None:
        """Delete the records of a table's selected rows (uid in column 0), after asking.

        These records (partners, measurements, findings) skip the Trash, so the question says
        the delete is permanent; the strategy reloads afterwards.
        """
        rows = {i.row() for i in table.selectedIndexes()}
        uids = [table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in sorted(rows)]
        if not uids:
            return
        what = f"this {noun}" if len(uids) == 1 else f"these {len(uids)} {noun}s"
        if not dialogs.confirm_permanent_delete(parent, what):
            return

        def job() -> None:
            for uid in uids:
                service.delete(uid)

        self.tasks.submit(job, lambda _: self.reload(), self.show_error)

    def reload(self) -> None:
        if self.uid is not None:
            self.load(self.uid)

    def reload_if_clean(self) -> None:
        """Show a change made elsewhere, unless the person has started typing meanwhile.

        The check happens when the new snapshot arrives, not only when it is asked for: text
        typed while the reload was on its way must not be replaced. Saving it later compares
        versions, so an edit over the newer data is reported as a conflict.
        """
        uid = self.uid
        if uid is None or self.is_dirty():
            return

        def arrived(detail: StrategyDetail) -> None:
            if self.uid == uid and not self.is_dirty() and not self.saving:
                self._on_loaded(detail, None)

        self.tasks.submit(
            lambda: self.services.strategies.detail(uid), arrived, self._on_load_error
        )

    def _on_loaded(self, detail: StrategyDetail, on_loaded: Callable[[], None] | None) -> None:
        self.creating = False
        self.detail = detail
        self.setEnabled(True)
        self.header.setText(summary_html(detail))
        for i, widget in enumerate(self.tab_widgets):
            self.tabs.setTabEnabled(i, True)
            if hasattr(widget, "show_strategy"):
                widget.show_strategy(detail)
        self.error.hide()
        self.update_dirty()
        self.status.emit("")
        self.strategy_changed.emit(detail.strategy.uid)
        if on_loaded is not None:
            on_loaded()

    def _on_load_error(self, exc: BaseException) -> None:
        if isinstance(exc, NotFoundError):
            self.clear()
            self.status.emit("That strategy is no longer there (deleted elsewhere?)")
            return
        raise exc

    def clear(self) -> None:
        self.detail = None
        self.creating = False
        for e in self.editables:
            e.record = None
        self.header.setText("Select a strategy in the list, or create one with New Strategy.")
        self.setEnabled(False)
        self.update_dirty()
        self.strategy_changed.emit(None)

    def new_strategy(self) -> None:
        """An empty Overview; the other tabs open once the strategy has been saved."""
        self.detail = None
        self.creating = True
        self.setEnabled(True)
        self.header.setText("<span style='font-size:14pt; font-weight:600'>New strategy</span>")
        self.overview.show_new(self.prefs.default_currency)
        for i in range(self.tabs.count()):
            self.tabs.setTabEnabled(i, i == 0)
        self.tabs.setCurrentIndex(0)
        self.overview.form.inputs["title"].setFocus()
        self.update_dirty()

    # -- dirty state -------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        if self.creating:
            return True
        return any(e.changes() for e in self.editables)

    def update_dirty(self, *_: Any) -> None:
        dirty = self.is_dirty()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def confirm_leave(self, proceed: Callable[[], None]) -> bool:
        """Run ``proceed`` if nothing is unsaved, else ask Save / Discard / Cancel.

        Returns False when the person cancelled (``proceed`` will not run).
        """
        if not self.is_dirty():
            proceed()
            return True
        answer = dialogs.ask_save_discard_cancel(
            self,
            "Unsaved changes",
            "This strategy has changes that are not saved. Save them before going on?",
        )
        if answer == "save":
            self.save(on_saved=proceed)
            return True
        if answer == "discard":
            self.revert()
            proceed()
            return True
        return False

    # -- saving ------------------------------------------------------------------------------
    def revert(self) -> None:
        if self.creating:
            self.clear()
            return
        for e in self.editables:
            if e.record is not None:
                e.bind(e.record)
        self.error.hide()
        self.update_dirty()

    def save(self, on_saved: Callable[[], None] | None = None) -> None:
        if self.saving:
            return
        self.error.hide()
        if on_saved is not None:
            self._after_save.append(on_saved)
        if self.creating:
            self._create()
            return
        pending = [e for e in self.editables if e.changes()]
        if not pending:
            self._finish_save(reload=False)
            return
        self.saving = True
        self._save_next(pending)

    def _create(self) -> None:
        self.saving = True
        values = self.overview.form.values()
        tags = self.overview.tags()
        self.tasks.submit(
            lambda: self.services.strategies.create(values, tags),
            self._on_created,
            lambda exc: self._on_save_error(self.overview.editable, exc, []),
        )

    def _on_created(self, record: Any) -> None:
        self.saving = False
        service = self.services.strategies
        self.undo_stack.push(
            ToggleCommand(
                f"Create strategy '{record.title}'",
                self.tasks,
                self.show_error,
                service.restore,
                service.trash,
                record.uid,
            )
        )
        self.creating = False
        self.status.emit(f"Created “{record.title}”")
        self.load(record.uid, on_loaded=lambda: self._finish_save(reload=False))

    def _save_next(self, pending: list[Editable], version: int | None = None) -> None:
        if not pending:
            self.saving = False
            self.load(self.uid, on_loaded=lambda: self._finish_save(reload=False))
            return
        e = pending[0]
        changes = e.changes()
        before = e.values_of(e.record, changes)
        uid, at = e.record.uid, version if version is not None else e.record.version

        def done(record: Any) -> None:
            self.undo_stack.push(
                UpdateCommand(
                    f"Save {e.label}",
                    self.tasks,
                    self.show_error,
                    e.service,
                    uid,
                    before,
                    e.values_of(record, changes),
                    record.version,
                )
            )
            e.record = record
            e.form.set_values(record)
            if e.tags_edit is not None:
                e.tags_edit.setText(", ".join(record.tags))
            self._save_next(pending[1:])

        self.tasks.submit(
            lambda: e.service.update(uid, at, changes),
            done,
            lambda exc: self._on_save_error(e, exc, pending),
        )

    def _on_save_error(self, e: Editable, exc: BaseException, pending: list[Editable]) -> None:
        self.saving = False
        self._after_save.clear()
        self.save_failed.emit()
        if isinstance(exc, ValidationError):
            self._show_tab_of(e)
            e.form.show_errors(exc)
            self.status.emit("Not saved: " + str(exc))
        elif isinstance(exc, ConflictError):
            choice = dialogs.resolve_conflict(self, exc)
            if choice == "mine":
                if exc.current is not None:  # undo then goes back to their values
                    e.record = exc.current
                self.saving = True
                self._save_next(pending, version=exc.actual_version)
            elif choice == "theirs":
                e.record = None
                self.status.emit("Kept the saved version; your changes were discarded")
                self.reload()
            else:
                self.status.emit("Not saved: " + str(exc))
        else:
            self.show_error(exc)

    def _finish_save(self, reload: bool) -> None:
        callbacks, self._after_save = self._after_save, []
        self.update_dirty()
        if reload:
            self.reload()
        for callback in callbacks:
            callback()

    def _show_tab_of(self, e: Editable) -> None:
        for i, widget in enumerate(self.tab_widgets):
            if widget.isAncestorOf(e.form):
                self.tabs.setCurrentIndex(i)
                return

    def show_error(self, exc: BaseException) -> None:
        self.error.setText(str(exc))
        self.error.show()
        self.status.emit(f"Error: {exc}")

    # -- deleting (undoable) -----------------------------------------------------------------
    def trash(self, what: str, service: Any, uid: Any, restore: Any = None) -> None:
        """Move a strategy, outcome or source to the Trash, with an undo command."""
        restore = restore or service.restore

        delete = service.delete if hasattr(service, "delete") else service.trash

        def done(_: Any) -> None:
            self.undo_stack.push(
                ToggleCommand(f"Delete {what}", self.tasks, self.show_error, delete, restore, uid)
            )
            self.status.emit(f"Moved {what} to the Trash (Undo brings it back)")

        self.tasks.submit(lambda: delete(uid), done, self.show_error)
