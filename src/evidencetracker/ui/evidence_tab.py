"""The Evidence tab: the strategy's sources with full citation and design, and their findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain import schema
from evidencetracker.domain.records import StrategyDetail
from evidencetracker.services.container import Services
from evidencetracker.ui.editable import Editable
from evidencetracker.ui.form_dialog import FormDialog
from evidencetracker.ui.forms import FieldForm, format_value
from evidencetracker.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from evidencetracker.ui.strategy_editor import StrategyEditor

EFFECT_SHORT = {"smd": "SMD", "odds_ratio": "OR", "percent_change": "% change"}
FINDING_COLUMNS = ("Outcome", "Direction", "Significant", "Effect size", "Follow-up")


class FindingDialog(FormDialog):
    """Adds a finding of one source on one of the strategy's outcomes."""

    def __init__(self, detail: StrategyDetail, source: Any, tab: EvidenceTab):
        self.outcome_combo = QComboBox()
        self.outcome_combo.setObjectName("finding_outcome")
        self.outcome_combo.setAccessibleName("Outcome")
        for od in detail.outcomes:
            self.outcome_combo.addItem(od.outcome.title, od.outcome.uid)
        extra = QWidget()
        form = QFormLayout(extra)
        form.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Outcome *:")
        label.setBuddy(self.outcome_combo)
        form.addRow(label, self.outcome_combo)
        services = tab.services
        super().__init__(
            f"Add finding of “{source.title[:60]}”",
            schema.FINDING,
            tab.tasks,
            lambda values: services.findings.create(source.uid, values.pop("outcome_uid"), values),
            tab.on_finding_added,
            tab,
            extra=extra,
        )
        QWidget.setTabOrder(self.outcome_combo, self.form.inputs["direction"])

    def extra_values(self) -> dict[str, Any]:
        return {"outcome_uid": self.outcome_combo.currentData()}


class EvidenceTab(QWidget):
    def __init__(self, services: Services, tasks: TaskRunner, editor: StrategyEditor):
        super().__init__()
        self.services, self.tasks, self.editor = services, tasks, editor
        self.detail: StrategyDetail | None = None
        self.selected_uid: Any = None
        self.dialog: FormDialog | None = None

        self.sources = QTreeWidget()
        self.sources.setAccessibleName("Evidence sources")
        self.sources.setHeaderLabels(["Source", "Year", "Design"])
        self.sources.setRootIsDecorated(False)
        self.sources.setColumnWidth(0, 470)
        self.sources.setColumnWidth(1, 50)
        self.sources.currentItemChanged.connect(self._on_current_changed)
        self.add_source_button = QPushButton("Add &source…")
        self.add_source_button.clicked.connect(self.add_source)
        self.delete_source_button = QPushButton("Delete source")
        self.delete_source_button.setToolTip("Moves the source to the Trash")
        self.delete_source_button.clicked.connect(self.delete_source)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_source_button)
        buttons.addWidget(self.delete_source_button)
        buttons.addStretch(1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.sources, 1)
        ll.addLayout(buttons)

        self.source_form = FieldForm(schema.EVIDENCE_SOURCE, name_prefix="source_")
        self.source_editable = editor.register(
            Editable(self.source_form, services.sources, "evidence source")
        )
        self.findings = QTableWidget(0, len(FINDING_COLUMNS))
        self.findings.setAccessibleName("Findings of this source")
        self.findings.setHorizontalHeaderLabels(FINDING_COLUMNS)
        self.findings.verticalHeader().setVisible(False)
        self.findings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.findings.setMinimumHeight(100)
        self.findings.setMaximumHeight(150)
        self.findings.setWordWrap(False)
        self.findings.verticalHeader().setDefaultSectionSize(24)
        self.add_finding_button = QPushButton("Add &finding…")
        self.add_finding_button.clicked.connect(self.add_finding)
        self.delete_finding_button = QPushButton("Delete finding")
        self.delete_finding_button.clicked.connect(self.delete_finding)
        findings_box = QGroupBox("Findings per outcome")
        fl = QVBoxLayout(findings_box)
        fl.addWidget(self.findings)
        fb = QHBoxLayout()
        fb.addWidget(self.add_finding_button)
        fb.addWidget(self.delete_finding_button)
        fb.addStretch(1)
        fl.addLayout(fb)

        right_inner = QWidget()
        rl = QVBoxLayout(right_inner)
        rl.addWidget(findings_box)
        rl.addWidget(self.source_form)
        self.right = QScrollArea()
        self.right.setWidgetResizable(True)
        self.right.setFrameShape(QScrollArea.Shape.NoFrame)
        self.right.setWidget(right_inner)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("evidence_splitter")
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._show_source(None)

    def show_strategy(self, detail: StrategyDetail) -> None:
        if self.detail is None or self.detail.strategy.uid != detail.strategy.uid:
            self.selected_uid = None
        self.detail = detail
        self.sources.blockSignals(True)
        self.sources.clear()
        current = None
        for s in detail.sources:
            design = s.design.label if s.design else s.source_type.label
            item = QTreeWidgetItem([s.title, str(s.year or ""), design])
            item.setToolTip(0, s.title)
            item.setData(0, Qt.ItemDataRole.UserRole, s)
            self.sources.addTopLevelItem(item)
            current = item if s.uid == self.selected_uid else current
        self.sources.blockSignals(False)
        if current is None and self.sources.topLevelItemCount():
            current = self.sources.topLevelItem(0)
        if current is not None:
            self.sources.setCurrentItem(current)
        self._show_source(current)

    def _on_current_changed(self, current: Any, previous: Any) -> None:
        if previous is not None and self.source_editable.changes():
            self.sources.blockSignals(True)
            self.sources.setCurrentItem(previous)
            self.sources.blockSignals(False)
            uid = current.data(0, Qt.ItemDataRole.UserRole).uid if current else None
            self.editor.confirm_leave(lambda: self._select(uid))
            return
        self._show_source(current)

    def _select(self, uid: Any) -> None:
        for i in range(self.sources.topLevelItemCount()):
            item = self.sources.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole).uid == uid:
                self.sources.blockSignals(True)
                self.sources.setCurrentItem(item)
                self.sources.blockSignals(False)
                self._show_source(item)
                return

    def _show_source(self, item: QTreeWidgetItem | None) -> None:
        source = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.selected_uid = source.uid if source is not None else None
        self.source_editable.record = None
        self.right.setEnabled(source is not None)
        self.delete_source_button.setEnabled(source is not None)
        if source is None:
            self.findings.setRowCount(0)
            self.source_form.set_values({})
            return
        self.source_editable.bind(source)
        rows = [
            (od.outcome, f)
            for od in (self.detail.outcomes if self.detail else ())
            for f in od.findings
            if f.source_uid == source.uid
        ]
        self.findings.setRowCount(len(rows))
        for r, (outcome, f) in enumerate(rows):
            effect = ""
            if f.effect_size is not None:
                effect = f"{f.effect_size:g} {EFFECT_SHORT.get(f.effect_size_type, '')}".strip()
            cells = (
                outcome.title,
                f.direction.label,
                format_value(f.significant),
                effect,
                f"{f.follow_up_months} months" if f.follow_up_months is not None else "",
            )
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, f.uid)
                cell.setToolTip(text)
                self.findings.setItem(r, c, cell)
        self.findings.resizeColumnsToContents()
        self.findings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_finding_button.setEnabled(bool(self.detail and self.detail.outcomes))
        self.editor.update_dirty()

    def current_source(self) -> Any:
        item = self.sources.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    # -- changes -----------------------------------------------------------------------------
    def add_source(self) -> None:
        if self.detail is None:
            return
        uid = self.detail.strategy.uid
        self.dialog = FormDialog(
            "Add evidence source",
            schema.EVIDENCE_SOURCE,
            self.tasks,
            lambda values: self.services.sources.create(values, strategy_uid=uid),
            self._on_source_added,
            self,
            scroll=True,
        )
        self.dialog.open()

    def _on_source_added(self, record: Any) -> None:
        self.selected_uid = record.uid
        self.editor.status.emit(f"Added the source “{record.title[:60]}”")
        self.editor.reload()

    def delete_source(self) -> None:
        source = self.current_source()
        if source is None:
            return
        self.selected_uid = None
        self.editor.trash(
            f"evidence source '{source.title[:60]}'", self.services.sources, source.uid
        )

    def add_finding(self) -> None:
        source = self.current_source()
        if source is None or self.detail is None:
            return
        self.dialog = FindingDialog(self.detail, source, self)
        self.dialog.open()

    def on_finding_added(self, record: Any) -> None:
        self.editor.status.emit("Added the finding")
        self.editor.reload()

    def delete_finding(self) -> None:
        self.editor.delete_rows(self, self.findings, self.services.findings, "finding")
