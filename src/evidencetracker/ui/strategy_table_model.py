"""The strategy browser's table model: windows of StrategySummary rows loaded on demand.

Sorting and filtering are SQL (StrategyService.list with a StrategyQuery); the model only holds
the rows fetched so far. Each window is fetched on the worker; a result that belongs to an
older query (the person typed again, or sorted) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from evidencetracker.domain import geography
from evidencetracker.domain.records import StrategySummary
from evidencetracker.services.container import Services
from evidencetracker.services.strategies import SORT_KEYS, StrategyQuery
from evidencetracker.ui.tasks import TaskRunner

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
assert all(key in SORT_KEYS for key, _ in COLUMNS)

Index = QModelIndex | QPersistentModelIndex
WINDOW = 200


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
        # Countries by their short ISO code, regions by name (an M49 number says nothing).
        return ", ".join(geography.REGIONS.get(c, c) for c in s.geography)
    if key == "status":
        return s.status.label
    if key == "rating":
        return _rating_text(s)
    if key == "sources":
        return str(s.source_count)
    if key == "updated_at":
        return s.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return ""


def _tooltip(s: StrategySummary, key: str) -> str | None:
    if key == "title" and s.is_sample:
        return f"{s.title}\nIllustrative sample - not real evaluation results"
    if key == "geography" and s.geography:
        return "\n".join(f"{c}: {geography.name_of(c)}" for c in s.geography)
    if key == "title" and s.confidential:
        return f"{s.title}\nConfidential"
    return cell_text(s, key) or None


class StrategyTableModel(QAbstractTableModel):
    """Rows of the current query; ``fetchMore`` asks the worker for the next window."""

    loaded = Signal(int, int)  # rows held, rows matching
    failed = Signal(object)

    def __init__(
        self, tasks: TaskRunner, services: Callable[[], Services], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._services = services
        self._rows: list[StrategySummary] = []
        self._query = StrategyQuery()
        self._total: int | None = None
        self._loading = False
        self._generation = 0
        self.window = WINDOW

    # -- the query ---------------------------------------------------------------------------
    @property
    def query(self) -> StrategyQuery:
        return self._query

    @property
    def total(self) -> int | None:
        return self._total

    def set_query(self, query: StrategyQuery) -> None:
        """Start over with a new filter or sort: count and first window in one job."""
        self._query = replace(query, offset=0, limit=None)
        self.reload()

    def reload(self, keep: int = 0) -> None:
        """Re-run the current query; ``keep`` re-fetches at least that many rows (a refresh)."""
        self._generation += 1
        generation = self._generation
        self._loading = True
        services = self._services()
        first = replace(self._query, offset=0, limit=max(self.window, keep))
        whole = replace(self._query, offset=0, limit=None)

        def job() -> tuple[int, list[StrategySummary]]:
            return services.strategies.count(whole), services.strategies.list(first)

        self._tasks.submit(job, lambda r: self._on_first(generation, r), self._on_error)

    def _on_first(self, generation: int, result: tuple[int, list[StrategySummary]]) -> None:
        if generation != self._generation:
            return
        total, rows = result
        self.beginResetModel()
        self._rows = list(rows)
        self._total = total
        self._loading = False
        self.endResetModel()
        self.loaded.emit(len(self._rows), total)

    def _on_more(self, generation: int, rows: list[StrategySummary]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        else:  # the table shrank under us: stop asking for more
            self._total = len(self._rows)
        self.loaded.emit(len(self._rows), self._total or 0)

    def _on_error(self, exc: BaseException) -> None:
        self._loading = False
        self.failed.emit(exc)

    # -- rows --------------------------------------------------------------------------------
    def row_record(self, row: int) -> StrategySummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, uid: Any) -> int:
        return next((i for i, r in enumerate(self._rows) if r.uid == uid), -1)

    def rows(self) -> list[StrategySummary]:
        return list(self._rows)

    def is_loading(self) -> bool:
        return self._loading

    # -- Qt overrides ------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() or self._loading or self._total is None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation = self._generation
        services = self._services()
        window = replace(self._query, offset=len(self._rows), limit=self.window)
        self._tasks.submit(
            lambda: services.strategies.list(window),
            lambda rows: self._on_more(generation, rows),
            self._on_error,
        )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        s = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(s, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(s, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "sources":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return s.uid
        if role == Qt.ItemDataRole.UserRole + 1:  # the whole row, for the rating badge delegate
            return s
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: a new SQL query, never an in-memory sort of a partial list."""
        key = COLUMNS[column][0]
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._query.sort and descending == self._query.descending and self._total:
            return
        self.set_query(replace(self._query, sort=key, descending=descending))
