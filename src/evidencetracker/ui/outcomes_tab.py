"""The Outcomes and indicators tab: outcomes by P and level, indicators, measurements, chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain import enums as E
from evidencetracker.domain import schema
from evidencetracker.domain.records import StrategyDetail
from evidencetracker.services.container import Services
from evidencetracker.ui import dialogs
from evidencetracker.ui.editable import Editable
from evidencetracker.ui.form_dialog import FormDialog
from evidencetracker.ui.forms import FieldForm
from evidencetracker.ui.measurements_panel import MeasurementsPanel
from evidencetracker.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from evidencetracker.ui.strategy_editor import StrategyEditor

FOCUS_ORDER = list(E.Focus)
LEVEL_ORDER = list(E.OutcomeLevel)


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class OutcomesTab(QWidget):
    def __init__(self, services: Services, tasks: TaskRunner, editor: StrategyEditor):
        super().__init__()
        self.services, self.tasks, self.editor = services, tasks, editor
        self.detail: StrategyDetail | None = None
        self.selected_uid: Any = None
        self.dialog: FormDialog | None = None

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Outcomes and indicators")
        self.tree.setHeaderLabels(["Outcome / indicator", "Level", "P"])
        self.tree.setColumnWidth(0, 430)
        self.tree.setColumnWidth(1, 140)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.add_outcome_button = QPushButton("Add &outcome…")
        self.add_outcome_button.clicked.connect(self.add_outcome)
        self.add_indicator_button = QPushButton("Add i&ndicator…")
        self.add_indicator_button.clicked.connect(self.add_indicator)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Outcomes go to the Trash; indicators are deleted")
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        for b in (self.add_outcome_button, self.add_indicator_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(buttons)

        self.outcome_form = FieldForm(schema.OUTCOME, name_prefix="outcome_")
        self.outcome_editable = editor.register(
            Editable(self.outcome_form, services.outcomes, "outcome")
        )
        self.indicator_form = FieldForm(schema.INDICATOR, name_prefix="indicator_")
        self.indicator_editable = editor.register(
            Editable(self.indicator_form, services.indicators, "indicator")
        )
        self.measurements = MeasurementsPanel(services, tasks, editor)
        indicator_page = QWidget()
        ip = QHBoxLayout(indicator_page)
        ip.addWidget(self.indicator_form, 1)
        ip.addWidget(self.measurements, 1)
        placeholder = QLabel("Select an outcome or an indicator, or add one.")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(placeholder)
        self.stack.addWidget(_scrolled(self.outcome_form))
        self.stack.addWidget(_scrolled(indicator_page))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("outcomes_splitter")
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._update_buttons()

    # -- showing -----------------------------------------------------------------------------
    def show_strategy(self, detail: StrategyDetail) -> None:
        if self.detail is None or self.detail.strategy.uid != detail.strategy.uid:
            self.selected_uid = None
        self.detail = detail
        self.tree.blockSignals(True)
        self.tree.clear()
        ordered = sorted(
            detail.outcomes,
            key=lambda o: (
                FOCUS_ORDER.index(o.outcome.focus),
                LEVEL_ORDER.index(o.outcome.level),
                o.outcome.title.lower(),
            ),
        )
        current = None
        for od in ordered:
            o = od.outcome
            title = ("★ " if o.primary else "") + o.title
            item = QTreeWidgetItem([title, o.level.label, o.focus.label])
            item.setData(0, Qt.ItemDataRole.UserRole, ("outcome", od))
            item.setToolTip(0, o.title)
            self.tree.addTopLevelItem(item)
            current = item if o.uid == self.selected_uid else current
            for ind in od.indicators:
                unit = f" ({ind.indicator.unit})" if ind.indicator.unit else ""
                child = QTreeWidgetItem([ind.indicator.name + unit, "", ""])
                child.setData(0, Qt.ItemDataRole.UserRole, ("indicator", ind))
                child.setToolTip(0, ind.indicator.name)
                item.addChild(child)
                current = child if ind.indicator.uid == self.selected_uid else current
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if current is not None:
            self.tree.setCurrentItem(current)
        else:
            self._show_item(None)

    def _on_current_changed(self, current: QTreeWidgetItem | None, previous: Any) -> None:
        if previous is not None and (
            self.outcome_editable.changes() or self.indicator_editable.changes()
        ):
            # Leaving an edited outcome or indicator: put the selection back and ask first.
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(previous)
            self.tree.blockSignals(False)
            self.editor.confirm_leave(lambda: self._select(current))
            return
        self._show_item(current)

    def _select(self, item: QTreeWidgetItem | None) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        uid = self._uid_of(data)
        found = self.find_item(uid) if uid is not None else None
        if found is not None:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(found)
            self.tree.blockSignals(False)
        self._show_item(found)

    @staticmethod
    def _uid_of(data: Any) -> Any:
        if data is None:
            return None
        kind, d = data
        return d.outcome.uid if kind == "outcome" else d.indicator.uid

    def find_item(self, uid: Any) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            items = [top] + [top.child(j) for j in range(top.childCount())]
            for item in items:
                if self._uid_of(item.data(0, Qt.ItemDataRole.UserRole)) == uid:
                    return item
        return None

    def _show_item(self, item: QTreeWidgetItem | None) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.outcome_editable.record = None
        self.indicator_editable.record = None
        self.selected_uid = self._uid_of(data)
        if data is None:
            self.stack.setCurrentIndex(0)
        elif data[0] == "outcome":
            self.outcome_editable.bind(data[1].outcome)
            self.stack.setCurrentIndex(1)
        else:
            self.indicator_editable.bind(data[1].indicator)
            self.measurements.show_indicator(data[1])
            self.stack.setCurrentIndex(2)
        self._update_buttons()
        self.editor.update_dirty()

    def _update_buttons(self) -> None:
        self.add_indicator_button.setEnabled(self.current_outcome() is not None)
        self.delete_button.setEnabled(self.selected_uid is not None)

    def current_outcome(self) -> Any:
        item = self.tree.currentItem()
        if item is None:
            return None
        if item.parent() is not None:
            item = item.parent()
        return item.data(0, Qt.ItemDataRole.UserRole)[1]

    # -- changes -----------------------------------------------------------------------------
    def add_outcome(self) -> None:
        if self.detail is None:
            return
        uid = self.detail.strategy.uid
        focus = self.detail.strategy.focus[0] if self.detail.strategy.focus else None
        self.dialog = FormDialog(
            "Add outcome",
            schema.OUTCOME,
            self.tasks,
            lambda values: self.services.outcomes.create(uid, values),
            self._on_created,
            self,
            initial={"focus": focus, "level": E.OutcomeLevel.SHORT_TERM},
        )
        self.dialog.open()

    def add_indicator(self) -> None:
        outcome = self.current_outcome()
        if outcome is None:
            return
        uid = outcome.outcome.uid
        self.dialog = FormDialog(
            f"Add indicator to “{outcome.outcome.title}”",
            schema.INDICATOR,
            self.tasks,
            lambda values: self.services.indicators.create(uid, values),
            self._on_created,
            self,
            scroll=True,
        )
        self.dialog.open()

    def _on_created(self, record: Any) -> None:
        self.selected_uid = record.uid
        self.editor.status.emit("Added “{}”".format(getattr(record, "title", None) or record.name))
        self.editor.reload()

    def delete_selected(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        kind, d = item.data(0, Qt.ItemDataRole.UserRole)
        self.selected_uid = None
        if kind == "outcome":
            self.editor.trash(f"outcome '{d.outcome.title}'", self.services.outcomes, d.outcome.uid)
        else:
            count = len(d.measurements)
            what = f"the indicator '{d.indicator.name}' and its {count} measurement(s)"
            if not dialogs.confirm_permanent_delete(self, what):
                return
            self.tasks.submit(
                lambda: self.services.indicators.delete(d.indicator.uid),
                lambda _: self.editor.reload(),
                self.editor.show_error,
            )
