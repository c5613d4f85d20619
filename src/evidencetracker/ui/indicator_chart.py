"""A small line chart of an indicator's measurements against its baseline and target (QPainter)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES = QColor("#1f5fa8")
BASELINE = QColor("#7a7a7a")
TARGET = QColor("#2e7d32")


def _nice(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


class IndicatorChart(QWidget):
    """Call ``set_data`` with (period, value) pairs, the baseline and the target."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.points: list[tuple[str, float]] = []
        self.baseline: float | None = None
        self.target: float | None = None
        self.unit = ""
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Chart of the measurements against baseline and target")

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 170)

    def set_data(
        self,
        points: Sequence[tuple[str, float]],
        baseline: float | None,
        target: float | None,
        unit: str = "",
    ) -> None:
        self.points, self.baseline, self.target, self.unit = list(points), baseline, target, unit
        summary = ", ".join(f"{p}: {_nice(v)}" for p, v in self.points)
        self.setAccessibleDescription(
            f"Baseline {self.baseline}, target {self.target}; values {summary or 'none'}"
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        fm = QFontMetrics(self.font())
        values = [v for _, v in self.points]
        refs = [v for v in (self.baseline, self.target) if v is not None]
        if not values and not refs:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No measurements yet")
            return
        low, high = min(values + refs), max(values + refs)
        if low == high:
            low, high = low - 1, high + 1
        pad = (high - low) * 0.1
        low, high = low - pad, high + pad
        left = max(fm.horizontalAdvance(_nice(high)), fm.horizontalAdvance(_nice(low))) + 10
        plot = QRectF(left, 8, self.width() - left - 12, self.height() - fm.height() - 22)

        def y(v: float) -> float:
            return plot.bottom() - (v - low) / (high - low) * plot.height()

        n = len(self.points)

        def x(i: int) -> float:
            return plot.left() + (plot.width() * (i + 0.5) / n if n else plot.width() / 2)

        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(plot)
        text_pen = QPen(self.palette().text().color())
        painter.setPen(text_pen)
        for v in (low + pad, high - pad):
            painter.drawText(
                QRectF(0, y(v) - fm.height() / 2, left - 6, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                _nice(v),
            )
        for value, colour, name in (
            (self.baseline, BASELINE, "baseline"),
            (self.target, TARGET, "target"),
        ):
            if value is None:
                continue
            painter.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y(value)), QPointF(plot.right(), y(value)))
            painter.drawText(
                QPointF(plot.right() - fm.horizontalAdvance(name) - 4, y(value) - 3), name
            )
        if self.points:
            painter.setPen(QPen(SERIES, 2))
            line = [QPointF(x(i), y(v)) for i, (_, v) in enumerate(self.points)]
            for a, b in zip(line, line[1:], strict=False):
                painter.drawLine(a, b)
            painter.setBrush(SERIES)
            for p in line:
                painter.drawEllipse(p, 3.5, 3.5)
            painter.setPen(text_pen)
            step = max(1, int(n / max(1, plot.width() / 70)))
            for i, (period, _) in enumerate(self.points):
                if i % step:
                    continue
                painter.drawText(
                    QRectF(x(i) - 40, plot.bottom() + 4, 80, fm.height()),
                    Qt.AlignmentFlag.AlignHCenter,
                    fm.elidedText(period, Qt.TextElideMode.ElideRight, 80),
                )
        painter.end()
