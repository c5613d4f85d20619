"""The evidence gap map: a painted matrix of partnership type (or outcome level) x P, where a
bubble's area is the number of studies and its colour the best level reached."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from evidencetracker.domain.comparison_records import GapCell, GapMap
from evidencetracker.domain.enums import RatingLevel
from evidencetracker.services.strategies import StrategyQuery
from evidencetracker.ui.rating_badge import LEVEL_COLOURS, level_colour
from evidencetracker.ui.tasks import TaskRunner

LAYOUT_CHOICES = [
    ("partnership_type", "Partnership type \u00d7 P"),
    ("outcome_level", "Outcome level \u00d7 P"),
]
_LABEL_WIDTH = 270
_HEADER_HEIGHT = 34
_MIN_CELL = QSize(150, 78)
_LEGEND_HEIGHT = 64


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class GapMapCanvas(QWidget):
    """Paints the matrix and its legend; a click on a cell emits that cell."""

    cell_clicked = Signal(object)  # GapCell

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.gap: GapMap | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Evidence gap map")

    def set_map(self, gap: GapMap) -> None:
        self.gap = gap
        self.updateGeometry()
        self.update()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        rows = len(self.gap.rows) if self.gap else 4
        return QSize(
            _LABEL_WIDTH + 4 * _MIN_CELL.width(),
            _HEADER_HEIGHT + rows * _MIN_CELL.height() + _LEGEND_HEIGHT,
        )

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSizeHint()

    # -- geometry ----------------------------------------------------------------------------
    def _cell_size(self) -> tuple[float, float]:
        rows = len(self.gap.rows) if self.gap else 1
        cols = len(self.gap.columns) if self.gap else 4
        width = (self.width() - _LABEL_WIDTH) / cols
        height = (self.height() - _HEADER_HEIGHT - _LEGEND_HEIGHT) / rows
        return max(width, 40.0), max(height, 30.0)

    def cell_rect(self, row: int, column: int) -> QRect:
        """The rectangle of the cell at (row, column), in widget coordinates."""
        width, height = self._cell_size()
        return QRect(
            int(_LABEL_WIDTH + column * width),
            int(_HEADER_HEIGHT + row * height),
            int(width),
            int(height),
        )

    def cell_at(self, point: QPoint) -> GapCell | None:
        if self.gap is None:
            return None
        for r, row in enumerate(self.gap.rows):
            for c, focus in enumerate(self.gap.columns):
                if self.cell_rect(r, c).contains(point):
                    return self.gap.cell(row, focus)
        return None

    # -- events ------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(cell)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        cell = self.cell_at(event.position().toPoint())
        clickable = cell is not None and cell.strategies > 0
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor
        )
        self.setToolTip(_cell_tooltip(cell) if cell is not None else "")
        super().mouseMoveEvent(event)

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.gap is None:
            painter.setPen(QColor("#57606a"))
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), "Loading\u2026")
            painter.end()
            return
        gap = self.gap
        width, height = self._cell_size()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#24292f"))
        for c, focus in enumerate(gap.columns):
            rect = QRect(int(_LABEL_WIDTH + c * width), 0, int(width), _HEADER_HEIGHT)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), focus.label)
        painter.setFont(self.font())
        max_radius = max(min(width, height) / 2 - 14, 8.0)
        for r, (row, label) in enumerate(zip(gap.rows, gap.row_labels, strict=True)):
            top = int(_HEADER_HEIGHT + r * height)
            if r % 2 == 0:
                painter.fillRect(QRect(0, top, self.width(), int(height)), QColor("#f6f8fa"))
            painter.setPen(QColor("#24292f"))
            painter.drawText(
                QRect(8, top, _LABEL_WIDTH - 16, int(height)),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
                | int(Qt.TextFlag.TextWordWrap),
                label,
            )
            for c, focus in enumerate(gap.columns):
                self._paint_cell(painter, self.cell_rect(r, c), gap.cell(row, focus), max_radius)
        painter.setPen(QPen(QColor("#d0d7de"), 1))
        bottom = int(_HEADER_HEIGHT + len(gap.rows) * height)
        for c in range(len(gap.columns) + 1):
            x = int(_LABEL_WIDTH + c * width)
            painter.drawLine(x, _HEADER_HEIGHT, x, bottom)
        painter.drawLine(0, _HEADER_HEIGHT, self.width(), _HEADER_HEIGHT)
        self._paint_legend(painter, bottom + 10, max_radius)
        painter.end()

    def _radius(self, studies: int, max_radius: float) -> float:
        most = max(self.gap.max_studies if self.gap else 1, 1)
        # Area proportional to the number of studies; never so small it cannot be seen.
        return max(max_radius * math.sqrt(studies / most), 7.0)

    def _paint_cell(self, painter: QPainter, rect: QRect, cell: GapCell, max_radius: float) -> None:
        metrics = QFontMetrics(painter.font())
        centre_y = rect.top() + (rect.height() - metrics.height()) / 2
        cx = rect.center().x()
        caption_rect = QRect(rect.left(), rect.bottom() - metrics.height() - 4, rect.width(), 18)
        if cell.empty:
            radius = 9.0
            painter.setPen(QPen(QColor("#a0a7ae"), 1.2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QRectF(cx - radius, centre_y - radius, 2 * radius, 2 * radius))
            painter.setPen(QColor("#8c959f"))
            caption = "no studies"
            if cell.strategies:
                caption += f" \u00b7 {_plural(cell.strategies, 'strategy', 'strategies')}"
            painter.drawText(caption_rect, int(Qt.AlignmentFlag.AlignCenter), caption)
            return
        radius = min(self._radius(cell.studies, max_radius), rect.height() / 2 - 12)
        level = cell.best_level or RatingLevel.NOT_RATED
        fill, ink = LEVEL_COLOURS[level]
        painter.setPen(QPen(QColor("#b71c1c") if cell.harm else QColor(fill).darker(130), 2))
        painter.setBrush(QColor(fill))
        bubble = QRectF(cx - radius, centre_y - radius, 2 * radius, 2 * radius)
        painter.drawEllipse(bubble)
        painter.setPen(QColor(ink))
        painter.drawText(bubble, int(Qt.AlignmentFlag.AlignCenter), str(cell.studies))
        painter.setPen(QColor("#24292f"))
        caption = f"{level.label} \u00b7 {_plural(cell.strategies, 'strategy', 'strategies')}"
        if cell.harm:
            caption = "\u26a0 " + caption
        painter.drawText(caption_rect, int(Qt.AlignmentFlag.AlignCenter), caption)

    def _paint_legend(self, painter: QPainter, top: int, max_radius: float) -> None:
        metrics = QFontMetrics(painter.font())
        x = 8
        painter.setPen(QColor("#24292f"))
        painter.drawText(QPoint(x, top + metrics.ascent()), "Best level reached:")
        x += metrics.horizontalAdvance("Best level reached:") + 10
        for level in RatingLevel:
            if level is RatingLevel.NOT_RATED:
                continue
            painter.setPen(QPen(level_colour(level).darker(130), 1))
            painter.setBrush(level_colour(level))
            painter.drawEllipse(QRectF(x, top + 2, 12, 12))
            painter.setPen(QColor("#24292f"))
            painter.drawText(QPoint(x + 16, top + metrics.ascent()), level.label)
            x += 16 + metrics.horizontalAdvance(level.label) + 14
        line2 = top + metrics.height() + 10
        x = 8
        painter.setPen(QPen(QColor("#a0a7ae"), 1.2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(x, line2 + 1, 12, 12))
        painter.setPen(QColor("#24292f"))
        text = (
            "empty: no studies (an evidence gap).   Bubble area = number of studies (the "
            "number inside).   \u26a0 red ring: an outcome there is rated Harmful.   "
            "Click a cell to list its strategies."
        )
        painter.drawText(QPoint(x + 18, line2 + metrics.ascent()), text)


def _cell_tooltip(cell: GapCell) -> str:
    level = cell.best_level.label if cell.best_level else "none rated"
    return (
        f"{_plural(cell.studies, 'study', 'studies')}, "
        f"{_plural(cell.strategies, 'strategy', 'strategies')}; best level: {level}"
    )


class GapMapView(QWidget):
    """The gap map with its layout switch; respects the browser's filters via ``set_query``.

    ``cell_activated`` carries the list of strategy uids of a clicked cell (only cells with
    strategies emit it), for the browser to filter its list to them.
    """

    cell_activated = Signal(object)  # list of strategy uids

    def __init__(
        self, services: Any, tasks: TaskRunner, parent: QWidget | None = None, *, load: bool = True
    ):
        """``load=False``: compute nothing until ``set_query`` or ``refresh`` is called (the
        main window's hidden dock: the whole-database map takes seconds on a large database)."""
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.query: StrategyQuery | None = None
        self.gap: GapMap | None = None
        self._request = 0

        self.layout_switch = QComboBox()
        for key, text in LAYOUT_CHOICES:
            self.layout_switch.addItem(text, key)
        self.layout_switch.currentIndexChanged.connect(lambda _i: self.refresh())
        switch_label = QLabel("&Rows:")
        switch_label.setBuddy(self.layout_switch)
        self.summary = QLabel("")
        self.summary.setStyleSheet("color: #57606a;")
        bar = QHBoxLayout()
        bar.addWidget(switch_label)
        bar.addWidget(self.layout_switch)
        bar.addWidget(self.summary, 1)

        self.canvas = GapMapCanvas()
        self.canvas.cell_clicked.connect(self.on_cell_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        if load:
            self.refresh()

    @property
    def layout_key(self) -> str:
        return self.layout_switch.currentData()

    def set_layout(self, key: str) -> None:
        self.layout_switch.setCurrentIndex(self.layout_switch.findData(key))

    def set_query(self, query: StrategyQuery | None) -> None:
        """Show the gap map of the strategies the browser's current filters select."""
        self.query = query
        self.refresh()

    def refresh(self) -> None:
        self._request += 1
        request, query, layout = self._request, self.query, self.layout_key
        self.tasks.submit(
            lambda: self.services.gapmap.matrix(query, layout),
            lambda gap: self._on_loaded(request, gap),
            self._on_error,
        )

    def _on_loaded(self, request: int, gap: GapMap) -> None:
        if request != self._request:
            return
        self.gap = gap
        self.canvas.set_map(gap)
        cells = len(gap.cells)
        empty = sum(1 for c in gap.cells if c.empty)
        filtered = (
            " (current filters applied)" if self.query and self.query != StrategyQuery() else ""
        )
        self.summary.setText(f"{empty} of {cells} cells have no studies{filtered}.")

    def _on_error(self, exc: BaseException) -> None:
        self.summary.setText(f"Error: {exc}")

    def on_cell_clicked(self, cell: GapCell) -> None:
        if cell.strategies:
            self.cell_activated.emit(list(cell.strategy_uids))
