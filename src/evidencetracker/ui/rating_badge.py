"""The rating badge: an evidence level in its colour, with its certainty and the harm flag.

One painting function serves the stand-alone ``RatingBadge`` widget, the ``RatingBadgeDelegate``
for the strategy browser's Rating column, and the other rating screens.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from evidencetracker.domain.enums import Certainty, RatingLevel

# StrategyTableModel.data() returns the row's StrategySummary under this role.
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1

# Fill and text colour per level: greens for the levels that say "it works", amber for emerging,
# greys for inconclusive and no effects, red for harm; an outline only when not rated.
LEVEL_COLOURS: dict[RatingLevel, tuple[str, str]] = {
    RatingLevel.PROVEN: ("#1b5e20", "#ffffff"),
    RatingLevel.EFFECTIVE: ("#388e3c", "#ffffff"),
    RatingLevel.PROMISING: ("#81c784", "#102a12"),
    RatingLevel.EMERGING: ("#ffd54f", "#3e2f00"),
    RatingLevel.INCONCLUSIVE: ("#cfd8dc", "#263238"),
    RatingLevel.NO_EFFECTS: ("#8d9ba3", "#ffffff"),
    RatingLevel.HARMFUL: ("#c62828", "#ffffff"),
    RatingLevel.NOT_RATED: ("#ffffff", "#616161"),
}
HARM_COLOUR = "#b71c1c"
_CERTAINTY_DOTS = {
    Certainty.HIGH: 4,
    Certainty.MODERATE: 3,
    Certainty.LOW: 2,
    Certainty.VERY_LOW: 1,
}


def level_colour(level: RatingLevel | None) -> QColor:
    return QColor(LEVEL_COLOURS[level or RatingLevel.NOT_RATED][0])


def badge_text(level: RatingLevel, certainty: Certainty | None) -> str:
    if certainty is None:
        return level.label
    return f"{level.label} \u00b7 {certainty.label.lower()}"


def accessible_text(level: RatingLevel, certainty: Certainty | None, harm: bool) -> str:
    text = level.label + (f", {certainty.label.lower()} certainty" if certainty else "")
    return text + (", harm flagged" if harm else "")


def badge_size(font: QFont, level: RatingLevel, certainty: Certainty | None, harm: bool) -> QSize:
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance(badge_text(level, certainty)) + 16
    if certainty is not None:
        width += 4 * 7 + 6
    if harm:
        width += metrics.horizontalAdvance("\u26a0 harm") + 10
    return QSize(width, metrics.height() + 8)


def paint_badge(
    painter: QPainter,
    rect: QRect,
    level: RatingLevel,
    certainty: Certainty | None,
    harm: bool = False,
) -> None:
    """Paint a badge left-aligned and vertically centred in ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = painter.font()
    size = badge_size(font, level, certainty, harm)
    height = min(size.height(), rect.height())
    top = rect.top() + (rect.height() - height) // 2
    harm_width = QFontMetrics(font).horizontalAdvance("\u26a0 harm") + 10 if harm else 0
    pill = QRectF(rect.left(), top, min(size.width() - harm_width, rect.width()), height)
    fill, ink = LEVEL_COLOURS[level]
    painter.setPen(QPen(QColor("#9e9e9e" if level is RatingLevel.NOT_RATED else fill), 1))
    painter.setBrush(QColor(fill))
    painter.drawRoundedRect(pill.adjusted(0.5, 0.5, -0.5, -0.5), height / 2, height / 2)
    painter.setPen(QColor(ink))
    text_rect = pill.adjusted(8, 0, -8, 0)
    painter.drawText(
        text_rect,
        int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
        badge_text(level, certainty),
    )
    if certainty is not None:
        filled = _CERTAINTY_DOTS[certainty]
        x = pill.right() - 8 - 4 * 7 + 2
        y = pill.center().y()
        for i in range(4):
            painter.setPen(QPen(QColor(ink), 1))
            painter.setBrush(QColor(ink) if i < filled else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QRectF(x + i * 7, y - 2.5, 5, 5))
    if harm:
        painter.setPen(QColor(HARM_COLOUR))
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(
            QRectF(pill.right() + 6, top, harm_width, height),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            "\u26a0 harm",
        )
    painter.restore()


class RatingBadge(QWidget):
    """A badge showing a level, its certainty (as words and four dots) and the harm flag."""

    def __init__(
        self,
        level: RatingLevel = RatingLevel.NOT_RATED,
        certainty: Certainty | None = None,
        harm: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_rating(level, certainty, harm)

    def set_rating(
        self, level: RatingLevel, certainty: Certainty | None = None, harm: bool = False
    ) -> None:
        self.level, self.certainty, self.harm = level, certainty, harm
        text = accessible_text(level, certainty, harm)
        self.setAccessibleName(f"Rating: {text}")
        self.setToolTip(text)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return badge_size(self.font(), self.level, self.certainty, self.harm)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        paint_badge(painter, self.rect(), self.level, self.certainty, self.harm)
        painter.end()


class RatingBadgeDelegate(QStyledItemDelegate):
    """Paints the strategy browser's Rating column as badges.

    Reads the StrategySummary the model returns under ``SUMMARY_ROLE``; without one it falls
    back to the ordinary text cell.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        summary = index.data(SUMMARY_ROLE)
        if summary is None or not hasattr(summary, "headline_level"):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            # The selection and hover background, without the cell's own text.
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        painter.setFont(opt.font)
        paint_badge(
            painter,
            opt.rect.adjusted(4, 2, -2, -2),
            summary.headline_level,
            summary.headline_certainty,
            summary.harm_flag,
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:  # noqa: N802
        summary = index.data(SUMMARY_ROLE)
        if summary is None or not hasattr(summary, "headline_level"):
            return super().sizeHint(option, index)
        size = badge_size(
            option.font, summary.headline_level, summary.headline_certainty, summary.harm_flag
        )
        return QSize(size.width() + 8, size.height() + 4)
