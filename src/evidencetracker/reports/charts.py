"""Charts drawn with reportlab.graphics: indicator series, comparison bars, the gap map figure.

Every label uses DejaVu Sans (non-Latin names must render) and every chart is a plain Drawing,
so it flows like a paragraph. Values a shareable brief must not show (small person counts) are
never plotted: a point on a chart would reveal them as surely as a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from evidencetracker.domain.enums import RatingLevel
from evidencetracker.reports import styles as S
from evidencetracker.reports.text import clip

LABEL_SIZE = 7


def _fit(text: str, size: float, room: float) -> str:
    """Shorten a chart label with an ellipsis so it fits ``room`` points."""
    if stringWidth(text, S.FONT, size) <= room:
        return text
    while text and stringWidth(text + "…", S.FONT, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _nice_ceiling(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def indicator_chart(
    periods: Sequence[str],
    values: Sequence[float | None],
    baseline: float | None,
    target: float | None,
    width: float,
    height: float = 120,
) -> Drawing:
    """A line chart of one indicator's series, with its baseline and target as flat lines.

    Args:
        periods: the reporting periods, oldest first (category labels).
        values: the measured value per period; None for a value that may not be shown.
        baseline: the baseline, or None when unknown or not to be shown.
        target: the target, or None when unknown or not to be shown.
        width: drawing width in points.
        height: drawing height in points.
    """
    S.register_fonts()
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    legend_height = 14
    chart.x, chart.y = 38, 22
    chart.width, chart.height = width - chart.x - 10, height - chart.y - legend_height - 8
    series: list[list[float | None]] = [list(values)]
    names = ["Measured"]
    for name, level in (("Baseline", baseline), ("Target", target)):
        if level is not None:
            series.append([level] * len(periods))
            names.append(name)
    chart.data = series
    shown = [v for row in series for v in row if v is not None]
    top = max(shown, default=1.0)
    bottom = min(shown, default=0.0)
    chart.valueAxis.valueMin = min(0.0, bottom)
    chart.valueAxis.valueMax = _nice_ceiling(top * 1.08 if top > 0 else 1.0)
    chart.valueAxis.labels.fontName = S.FONT
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}" if abs(v) >= 10 else f"{v:g}"
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e4e7eb")
    chart.valueAxis.visibleGrid = 1
    room = chart.width / max(len(periods), 1)
    chart.categoryAxis.categoryNames = [_fit(p, LABEL_SIZE, room - 2) for p in periods]
    chart.categoryAxis.labels.fontName = S.FONT
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    # A line needs two points: a single period (or a series broken by hidden values down to
    # lone points) is drawn as markers only.
    chart.joinedLines = 1 if _has_run(values) else 0
    styles = [
        (S.SERIES_COLOURS[0], None, 1.8),
        (S.MUTED, (3, 2), 1.0),
        (S.LEVEL_COLOURS[RatingLevel.EFFECTIVE], (6, 3), 1.2),
    ]
    for index, name in enumerate(names):
        colour, dash, stroke = styles[["Measured", "Baseline", "Target"].index(name)]
        chart.lines[index].strokeColor = colour
        chart.lines[index].strokeWidth = stroke
        if dash:
            chart.lines[index].strokeDashArray = dash
    from reportlab.graphics.widgets.markers import makeMarker

    chart.lines[0].symbol = makeMarker("FilledCircle", size=3.5, fillColor=S.SERIES_COLOURS[0])
    if not chart.joinedLines:
        for index, name in enumerate(names[1:], start=1):
            colour = styles[["Measured", "Baseline", "Target"].index(name)][0]
            chart.lines[index].symbol = makeMarker(
                "Cross", size=5, fillColor=colour, strokeColor=colour
            )
    drawing.add(chart)
    legend = Legend()
    legend.fontName = S.FONT
    legend.fontSize = LABEL_SIZE
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 70
    legend.dx = legend.dy = 6
    legend.x, legend.y = chart.x, height - 4
    legend.colorNamePairs = [
        (styles[["Measured", "Baseline", "Target"].index(n)][0], n) for n in names
    ]
    drawing.add(legend)
    return drawing


def _has_run(values: Sequence[float | None]) -> bool:
    """Whether two neighbouring values are both shown, so that a line can join them."""
    return any(a is not None and b is not None for a, b in zip(values, values[1:], strict=False))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    width: float,
    *,
    value_labels: Sequence[str] | None = None,
    bar_colours: Sequence[colors.Color] | None = None,
    title: str = "",
    value_max: float | None = None,
) -> Drawing:
    """Horizontal bars, one per label, with a value label at the end of each bar."""
    S.register_fonts()
    bar_height = 16
    title_height = 16 if title else 0
    label_room = min(180.0, width * 0.38)
    height = title_height + 24 + bar_height * len(labels)
    drawing = Drawing(width, height)
    if title:
        drawing.add(String(0, height - 11, title, fontName=S.FONT_BOLD, fontSize=8.5))
    chart = HorizontalBarChart()
    chart.x, chart.y = label_room, 16
    chart.width = width - label_room - 60
    chart.height = bar_height * len(labels)
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = [
        _fit(label, LABEL_SIZE, label_room - 6) for label in reversed(labels)
    ]
    chart.categoryAxis.labels.fontName = S.FONT
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = value_max or _nice_ceiling(max(values, default=1) or 1)
    chart.valueAxis.labels.fontName = S.FONT
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labelTextFormat = "%d"
    chart.barWidth = bar_height * 0.6
    chart.bars.strokeWidth = 0
    chart.bars[0].fillColor = S.SERIES_COLOURS[0]
    if bar_colours:
        for index, colour in enumerate(reversed(bar_colours)):
            chart.bars[(0, index)].fillColor = colour
    chart.barLabels.fontName = S.FONT
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    if value_labels is not None:
        chart.barLabelArray = [list(reversed(value_labels))]
        chart.barLabelFormat = "values"
    else:
        chart.barLabelFormat = "%d"
    drawing.add(chart)
    return drawing


def matrix_figure(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    cells: Sequence[Sequence[tuple[int, colors.Color | None, str]]],
    width: float,
) -> Drawing:
    """A grid figure: one square per (row, column), shaded by count, with its text inside.

    Args:
        row_labels: labels down the left side.
        column_labels: labels across the top (wrapped onto two lines when long).
        cells: per row, per column: (count, fill colour or None for empty, text in the cell).
        width: drawing width in points.
    """
    S.register_fonts()
    label_room = min(170.0, width * 0.3)
    columns = max(len(column_labels), 1)
    cell_width = (width - label_room) / columns
    cell_height = 26
    header_height = 30
    height = header_height + cell_height * len(row_labels) + 2
    drawing = Drawing(width, height)
    for c, name in enumerate(column_labels):
        x = label_room + c * cell_width + cell_width / 2
        lines = _two_lines(name, 7, cell_width - 4, S.FONT_BOLD)
        for i, line in enumerate(lines):
            drawing.add(
                String(
                    x,
                    height - 11 - i * 9,
                    line,
                    fontName=S.FONT_BOLD,
                    fontSize=7,
                    textAnchor="middle",
                )
            )
    for r, name in enumerate(row_labels):
        y = height - header_height - (r + 1) * cell_height
        lines = _two_lines(name, 7.5, label_room - 10, S.FONT)
        for i, line in enumerate(lines):
            drawing.add(
                String(
                    label_room - 6,
                    y + cell_height / 2 - 3 + (len(lines) - 1) * 4.5 - i * 9,
                    line,
                    fontName=S.FONT,
                    fontSize=7.5,
                    textAnchor="end",
                )
            )
        for c in range(columns):
            count, fill, text = cells[r][c] if c < len(cells[r]) else (0, None, "")
            x = label_room + c * cell_width
            drawing.add(
                Rect(
                    x + 1,
                    y + 1,
                    cell_width - 2,
                    cell_height - 2,
                    fillColor=fill or colors.white,
                    strokeColor=S.RULE,
                    strokeWidth=0.4,
                )
            )
            if text:
                dark = fill is not None and _is_dark(fill)
                drawing.add(
                    String(
                        x + cell_width / 2,
                        y + cell_height / 2 - 3,
                        _fit(text, 7, cell_width - 6),
                        fontName=S.FONT_BOLD if count else S.FONT,
                        fontSize=7,
                        textAnchor="middle",
                        fillColor=colors.white if dark else (S.INK if count else S.MUTED),
                    )
                )
    drawing.add(Line(label_room, 1, width, 1, strokeColor=S.RULE, strokeWidth=0.4))
    return drawing


def _two_lines(text: str, size: float, room: float, font: str) -> list[str]:
    """Break a label into at most two lines that fit ``room``."""
    text = clip(text, 80)
    if stringWidth(text, font, size) <= room:
        return [text]
    words = text.split()
    first: list[str] = []
    while words and stringWidth(" ".join([*first, words[0]]), font, size) <= room:
        first.append(words.pop(0))
    if not first:
        return [_fit(text, size, room)]
    return [" ".join(first), _fit(" ".join(words), size, room)]


def _is_dark(colour: colors.Color) -> bool:
    return (0.299 * colour.red + 0.587 * colour.green + 0.114 * colour.blue) < 0.55
