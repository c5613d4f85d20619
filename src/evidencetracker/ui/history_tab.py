"""The History tab: the strategy's audit trail, newest first, with each field's before and after."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from evidencetracker.domain import schema
from evidencetracker.domain.records import AuditRecord, StrategyDetail
from evidencetracker.services.container import Services
from evidencetracker.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from evidencetracker.ui.strategy_editor import StrategyEditor

ACTIONS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Moved to Trash",
    "restore": "Restored",
    "purge": "Deleted",
}
LABELS = {
    f.name: f.label
    for group in (
        schema.STRATEGY,
        schema.OUTCOME,
        schema.INDICATOR,
        schema.MEASUREMENT,
        schema.EVIDENCE_SOURCE,
        schema.FINDING,
        schema.PARTNER,
        schema.ORGANISATION,
        schema.ATTACHMENT,
        schema.NOTE,
    )
    for f in group
}


def readable(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(readable(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = (
        str(value).replace("_", " ") if isinstance(value, str) and value.islower() else str(value)
    )
    return text if len(text) <= 120 else text[:117] + "…"


def change_lines(record: AuditRecord) -> list[str]:
    """'Title: Old → New' per changed field of an update; nothing for other actions."""
    if record.action != "update":
        return []
    lines = []
    for name, change in record.changes.items():
        if isinstance(change, dict) and "from" in change:
            label = LABELS.get(name, name.replace("_", " ").capitalize())
            lines.append(f"{label}: {readable(change['from'])} → {readable(change['to'])}")
    return lines


class HistoryTab(QWidget):
    def __init__(self, services: Services, tasks: TaskRunner, editor: StrategyEditor):
        super().__init__()
        self.services, self.tasks, self.editor = services, tasks, editor
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("History of changes")
        self.tree.setHeaderLabels(["When", "Who", "What"])
        self.tree.setColumnWidth(0, 150)
        self.tree.setColumnWidth(1, 140)
        self.tree.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        self._generation = 0

    def show_strategy(self, detail: StrategyDetail) -> None:
        self._generation += 1
        generation, uid = self._generation, detail.strategy.uid
        self.tasks.submit(
            lambda: self.services.history.for_strategy(uid),
            lambda rows: self._show(generation, rows),
            self.editor.show_error,
        )

    def _show(self, generation: int, rows: list[AuditRecord]) -> None:
        if generation != self._generation:
            return
        self.tree.clear()
        for r in rows:
            when = (
                r.at.astimezone().strftime("%Y-%m-%d %H:%M") if isinstance(r.at, datetime) else ""
            )
            what = r.summary or f"{ACTIONS.get(r.action, r.action)} {r.entity_type}"
            item = QTreeWidgetItem([when, r.author or "(unknown)", what])
            item.setToolTip(2, what)
            for line in change_lines(r):
                child = QTreeWidgetItem(["", "", line])
                child.setToolTip(2, line)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
