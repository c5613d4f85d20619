"""The conflicts view: open merge conflicts, each with both values, who made them and when.

A person keeps one value, the other, or types an edited one; the decision is saved (and
audited) by ConflictService on the worker thread. ``count_changed`` lets the main window
show the number of open conflicts.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.services.container import Services
from evidencetracker.services.sync.conflicts import ConflictCandidate, ConflictRecord
from evidencetracker.ui import dialogs
from evidencetracker.ui.tasks import TaskRunner

COLUMNS = ("Record", "Field", "Before", "Value A", "Value B")


def _when(at: str) -> str:
    return at[:16].replace("T", " ") + " UTC" if at else "unknown time"


def who(c: ConflictCandidate) -> str:
    """'Ann, 2026-11-30 09:12 UTC (made here)': who made a value and when, by their clock."""
    return f"{c.author or 'someone'}, {_when(c.at)}" + (" (made here)" if c.made_here else "")


class CandidateBox(QGroupBox):
    """One value of a conflict, with who made it and a button to keep it."""

    keep = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.value = QLabel()
        self.value.setWordWrap(True)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.origin = QLabel()
        self.origin.setStyleSheet("color: #555")
        self.button = QPushButton("Keep this value")
        self.button.clicked.connect(self.keep)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.origin)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)

    def show_candidate(self, conflict: ConflictRecord, c: ConflictCandidate) -> None:
        shown = conflict.describe(c.value)
        self.value.setText(shown + ("   ← shown now" if c.here else ""))
        self.origin.setText(who(c))
        self.button.setAccessibleName(f"Keep {shown[:40]}")
        self.button.setText("Keep the deletion" if c.is_deletion else "Keep this value")


class ConflictsView(QWidget):
    count_changed = Signal(int)
    resolved = Signal(object)  # the ConflictRecord just resolved

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.tasks = services, tasks
        self.conflicts: list[ConflictRecord] = []

        self.header = QLabel()
        self.header.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Open conflicts")
        self.table.itemSelectionChanged.connect(self._on_selection)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.box_a, self.box_b = CandidateBox("Value A"), CandidateBox("Value B")
        self.box_a.keep.connect(lambda: self._resolve("a"))
        self.box_b.keep.connect(lambda: self._resolve("b"))
        self.edited = QLineEdit()
        self.edited.setPlaceholderText("Or type the value to keep")
        self.edited_label = QLabel("&Edited value:")
        self.edited_label.setBuddy(self.edited)
        self.keep_edited = QPushButton("Keep edited value")
        self.keep_edited.clicked.connect(lambda: self._resolve("value"))

        boxes = QHBoxLayout()
        boxes.addWidget(self.box_a)
        boxes.addWidget(self.box_b)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.edited_label)
        edit_row.addWidget(self.edited, 1)
        edit_row.addWidget(self.keep_edited)
        self.panel = QWidget()
        panel = QVBoxLayout(self.panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.addWidget(self.detail)
        panel.addLayout(boxes)
        panel.addLayout(edit_row)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.panel)
        self.panel.setEnabled(False)

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        self.tasks.submit(self.services.conflicts.list, self._show, self._on_error)

    def _show(self, conflicts: list[ConflictRecord]) -> None:
        self.conflicts = conflicts
        n = len(conflicts)
        self.header.setText(
            "No open conflicts: every edit from every copy is in this database."
            if n == 0
            else f"<b>{n} open conflict{'s' if n != 1 else ''}</b>: the same thing was changed "
            "in two places. Until you decide, the app shows one of the two values; nothing is "
            "lost either way."
        )
        self.table.setRowCount(n)
        for row, c in enumerate(conflicts):
            cells = (
                f"{c.entity.capitalize()}: {c.title}",
                c.field_label,
                c.describe(c.base) if c.has_base else "(no common version)",
                f"{c.describe(c.a.value)}\n{who(c.a)}",
                f"{c.describe(c.b.value)}\n{who(c.b)}",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        self.count_changed.emit(n)
        if n:
            self.table.selectRow(0)
            self._on_selection()  # the selection may not have changed: show the new row 0
        else:
            self.panel.setEnabled(False)
            self.detail.setText("")

    def current(self) -> ConflictRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.conflicts[rows[0].row()] if rows else None

    def _on_selection(self) -> None:
        c = self.current()
        self.panel.setEnabled(c is not None)
        if c is None:
            return
        kinds = {
            "field": "was changed in two places",
            "trash": "was moved to the Trash in one place and edited in another",
            "delete": "was deleted in one place and edited in another",
        }
        base = c.describe(c.base) if c.has_base else "(no common version)"
        self.detail.setText(
            f"<b>{c.field_label}</b> of {c.entity} <b>{c.title}</b> {kinds.get(c.kind, '')}. "
            f"Before: {base}"
        )
        self.box_a.show_candidate(c, c.a)
        self.box_b.show_candidate(c, c.b)
        editable = c.kind == "field"
        for w in (self.edited, self.edited_label, self.keep_edited):
            w.setVisible(editable)
        here = c.a if c.a.here else c.b
        self.edited.setText("" if not editable else c.describe(here.value).replace("(empty)", ""))

    # -- deciding ------------------------------------------------------------------------
    def _resolve(self, keep: str) -> None:
        c = self.current()
        if c is None:
            return
        value: Any = self.edited.text() if keep == "value" else None
        self.panel.setEnabled(False)
        self.tasks.submit(
            lambda: self.services.conflicts.resolve(c.uid, keep, value),
            self._on_resolved,
            self._on_error,
        )

    def _on_resolved(self, record: ConflictRecord) -> None:
        self.resolved.emit(record)
        self.refresh()

    def _on_error(self, exc: BaseException) -> None:
        self.panel.setEnabled(self.current() is not None)
        dialogs.show_error(self, "Conflict not resolved", str(exc))
