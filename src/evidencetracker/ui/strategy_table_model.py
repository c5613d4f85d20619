"""The strategy browser's table model: rows are StrategySummary records loaded off-thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from evidencetracker.domain.records import StrategySummary

COLUMNS = [
    ("title", "Title"),
    ("partnership_type", "Partnership type"),
    ("focus", "Ps"),
    ("geography", "Countries"),
    ("status", "Status"),
    ("rating", "Rating"),
    ("sources", "Sources"),
    ("updated_at", "Last updated"),
]

Index = QModelIndex | QPersistentModelIndex


def _rating_text(s: StrategySummary) -> str:
    text = s.headline_level.label
    if s.headline_certainty is not None:
        text += f" ({s.headline_certainty.label.lower()})"
    if s.harm_flag:
        text += " ⚠ harm"
    return text


def cell_text(s: StrategySummary, key: str) -> str:
    if key == "title":
        return s.title
    if key == "partnership_type":
        return s.partnership_type.label
    if key == "focus":
        return ", ".join(p.capitalize() for p in s.focus)
    if key == "geography":
        return ", ".join(s.geography)
    if key == "status":
        return s.status.label
    if key == "rating":
        return _rating_text(s)
    if key == "sources":
        return str(s.source_count)
    if key == "updated_at":
        return s.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return ""


class StrategyTableModel(QAbstractTableModel):
    """Holds the current window of rows; sorting and filtering happen in SQL, not here."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[StrategySummary] = []

    def set_rows(self, rows: list[StrategySummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def append_rows(self, rows: list[StrategySummary]) -> None:
        if not rows:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def row_record(self, row: int) -> StrategySummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[StrategySummary]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(s, key)
        if role == Qt.ItemDataRole.ToolTipRole and key == "title" and s.is_sample:
            return "Illustrative sample - not real evaluation results"
        if role == Qt.ItemDataRole.UserRole:
            return s.uid
        return None
