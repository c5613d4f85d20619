"""Strategies side by side, the rows that differ highlighted, and saved comparison sets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.comparison_records import Comparison, ComparisonSetRecord
from evidencetracker.ui import dialogs
from evidencetracker.ui.rating_badge import LEVEL_COLOURS
from evidencetracker.ui.tasks import TaskRunner

DIFFERS_BACKGROUND = "#fff4c2"


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A line of text from the person, or None when cancelled (tests replace this)."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


class ComparisonView(QWidget):
    """A side-by-side table of 2 to 6 strategies and the saved-set controls."""

    compared = Signal(object)  # the Comparison shown

    def __init__(self, services: Any, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.comparison: Comparison | None = None
        self.uids: list[Any] = []
        self.current_set: ComparisonSetRecord | None = None
        self.sets: list[ComparisonSetRecord] = []
        self._request = 0

        self.heading = QLabel("Select 2 to 6 strategies in the list and choose Compare.")
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.heading.setWordWrap(True)
        self.note = QLabel(
            "Rows whose values differ between the strategies are highlighted and marked \u25cf."
        )
        self.note.setStyleSheet("color: #57606a;")

        self.set_picker = QComboBox()
        self.set_picker.setMinimumWidth(220)
        self.set_picker.setAccessibleName("Saved comparisons")
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self.open_selected_set)
        self.save_button = QPushButton("Save as\u2026")
        self.save_button.clicked.connect(self.save_as)
        self.rename_button = QPushButton("Rename\u2026")
        self.rename_button.clicked.connect(self.rename_current)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_current)
        saved_label = QLabel("&Saved comparisons:")
        saved_label.setBuddy(self.set_picker)
        bar = QHBoxLayout()
        bar.addWidget(saved_label)
        bar.addWidget(self.set_picker)
        for button in (self.open_button, self.save_button, self.rename_button, self.delete_button):
            bar.addWidget(button)
        bar.addStretch(1)

        self.table = QTableWidget(0, 0)
        self.table.setAccessibleName("Comparison")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.status = QLabel("")
        self.status.setStyleSheet("color: #57606a;")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._update_buttons()
        self.reload_sets()

    # -- comparing ---------------------------------------------------------------------------
    def compare(self, uids: list[Any]) -> None:
        """Compare these strategies (2 to 6) off the UI thread and show the table."""
        self.uids = list(uids)
        self.current_set = None
        self._run(lambda: self.services.comparisons.compare(self.uids))

    def _run(self, job: Any) -> None:
        self._request += 1
        request = self._request
        self.status.setText("Comparing\u2026")
        self.tasks.submit(job, lambda c: self._on_compared(request, c), self._on_error)

    def _on_compared(self, request: int, comparison: Comparison) -> None:
        if request != self._request:
            return
        self.comparison = comparison
        self.uids = [s.uid for s in comparison.strategies]
        self._fill(comparison)
        name = f"\u201c{self.current_set.name}\u201d: " if self.current_set else ""
        self.heading.setText(f"{name}{len(comparison.strategies)} strategies side by side")
        differing = len(comparison.differing_keys)
        text = f"{differing} of {len(comparison.rows)} rows differ."
        if comparison.missing:
            text += f" {len(comparison.missing)} strategies of this set no longer exist."
        self.status.setText(text)
        self._update_buttons()
        self.compared.emit(comparison)

    def _fill(self, comparison: Comparison) -> None:
        strategies = comparison.strategies
        self.table.clear()
        self.table.setColumnCount(len(strategies))
        self.table.setRowCount(len(comparison.rows))
        self.table.setHorizontalHeaderLabels([s.title for s in strategies])
        bold = QFont(self.table.font())
        bold.setBold(True)
        highlight = QBrush(QColor(DIFFERS_BACKGROUND))
        labels = []
        for r, row in enumerate(comparison.rows):
            labels.append(("\u25cf " if row.differs else "   ") + row.label)
            for c, value in enumerate(row.values):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                item.setData(Qt.ItemDataRole.UserRole, row.key)
                if row.differs:
                    item.setBackground(highlight)
                if row.key == "headline":
                    fill, ink = LEVEL_COLOURS[strategies[c].headline_level]
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor(fill)))
                    item.setForeground(QBrush(QColor(ink)))
                if row.key == "harm" and strategies[c].harm_flag:
                    item.setForeground(QBrush(QColor("#b71c1c")))
                    item.setFont(bold)
                self.table.setItem(r, c, item)
        self.table.setVerticalHeaderLabels(labels)
        for r, row in enumerate(comparison.rows):
            header = self.table.verticalHeaderItem(r)
            if header is not None and row.differs:
                header.setFont(bold)
        self.table.resizeRowsToContents()

    def cell_text(self, key: str, column: int) -> str:
        """The text shown for a row (by key) and strategy column."""
        for r in range(self.table.rowCount()):
            item = self.table.item(r, column)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                return item.text()
        raise KeyError(key)

    def _on_error(self, exc: BaseException) -> None:
        self.status.setText(f"Error: {exc}")
        dialogs.show_error(self, "Cannot compare", str(exc))

    # -- comparison sets ---------------------------------------------------------------------
    def reload_sets(self) -> None:
        self.tasks.submit(self.services.comparisons.list_sets, self._on_sets, self._on_error)

    def _on_sets(self, sets: list[ComparisonSetRecord]) -> None:
        self.sets = list(sets)
        current = self.current_set.uid if self.current_set else None
        self.set_picker.clear()
        for s in self.sets:
            self.set_picker.addItem(f"{s.name} ({len(s.strategy_uids)} strategies)", s.uid)
        if current is not None and self.set_picker.findData(current) >= 0:
            self.set_picker.setCurrentIndex(self.set_picker.findData(current))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.set_picker.count() > 0)
        self.save_button.setEnabled(len(self.uids) >= 2)
        self.rename_button.setEnabled(self.current_set is not None)
        self.delete_button.setEnabled(self.current_set is not None)

    def open_set(self, set_uid: Any) -> None:
        """Reopen a saved set: load it, then compare those of its strategies that still exist."""
        saved = next((s for s in self.sets if s.uid == set_uid), None)

        def job() -> tuple[ComparisonSetRecord, Comparison]:
            record = saved or self.services.comparisons.get_set(set_uid)
            return record, self.services.comparisons.open_set(set_uid)

        self._request += 1
        request = self._request

        def done(result: tuple[ComparisonSetRecord, Comparison]) -> None:
            self.current_set = result[0]
            self._on_compared(request, result[1])

        self.tasks.submit(job, done, self._on_error)

    def open_selected_set(self) -> None:
        uid = self.set_picker.currentData()
        if uid is not None:
            self.open_set(uid)

    def save_as(self) -> None:
        if len(self.uids) < 2:
            return
        name = ask_text(self, "Save comparison", "Name of this comparison:")
        if not name or not name.strip():
            return
        uids = list(self.uids)

        def done(record: ComparisonSetRecord) -> None:
            self.current_set = record
            self.heading.setText(f"\u201c{record.name}\u201d: {len(uids)} strategies side by side")
            self.status.setText(f"Saved as \u201c{record.name}\u201d.")
            self.reload_sets()

        self.tasks.submit(
            lambda: self.services.comparisons.save_set(name.strip(), uids), done, self._on_error
        )

    def rename_current(self) -> None:
        current = self.current_set
        if current is None:
            return
        name = ask_text(self, "Rename comparison", "New name:", current.name)
        if not name or not name.strip() or name.strip() == current.name:
            return

        def done(record: ComparisonSetRecord) -> None:
            self.current_set = record
            self.heading.setText(
                f"\u201c{record.name}\u201d: {len(self.uids)} strategies side by side"
            )
            self.status.setText(f"Renamed to \u201c{record.name}\u201d.")
            self.reload_sets()

        self.tasks.submit(
            lambda: self.services.comparisons.rename_set(current.uid, current.version, name),
            done,
            self._on_error,
        )

    def delete_current(self) -> None:
        current = self.current_set
        if current is None or not dialogs.ask_yes_no(
            self,
            "Delete comparison",
            f"Delete the saved comparison \u201c{current.name}\u201d? The strategies stay.",
        ):
            return

        def done(_result: Any) -> None:
            self.current_set = None
            self.status.setText(f"Deleted \u201c{current.name}\u201d.")
            self.reload_sets()

        self.tasks.submit(
            lambda: self.services.comparisons.delete_set(current.uid), done, self._on_error
        )
