"""Fonts, paragraph and table styles, paper sizes and colours shared by every brief.

All text uses DejaVu Sans, shipped in ``resources/fonts/``: ReportLab's standard Helvetica has no
Cyrillic or Latin Extended-A glyphs and silently draws black squares instead (ENGINEERING.md 3).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

from evidencetracker.domain.enums import RatingLevel
from evidencetracker.resources import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"

# ReportLab shapes text (joined Arabic letters, right-to-left runs) only when the optional
# uharfbuzz module can be imported; without it, shaping=1 is silently ignored. See docs/briefs.md.
SHAPING_AVAILABLE = importlib.util.find_spec("uharfbuzz") is not None


def _no_discretionary_ligatures() -> None:
    """ReportLab shapes with OpenType 'dlig' on, which in DejaVu Sans turns every "st" into a
    decorative ligature; OpenType leaves discretionary ligatures off by default, and so do we."""
    from reportlab.pdfbase import ttfonts

    defaults = getattr(ttfonts.shapeFragWord, "__defaults__", None) or ()
    for value in defaults:
        if isinstance(value, dict) and "dlig" in value:
            value["dlig"] = False


if SHAPING_AVAILABLE:
    _no_discretionary_ligatures()

PAPER_SIZES = {"a4": A4, "letter": LETTER}
MARGIN = 18 * mm

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#e4e7eb")
STRIPE_FILL = colors.HexColor("#f5f7fa")
STRIPE_HIGHLIGHT = colors.HexColor("#fff4d6")  # rows whose values differ in a comparison
NOTICE = colors.HexColor("#8a4b00")
ALERT = colors.HexColor("#b42318")

# One colour per rating level, dark enough for white text on the badge.
LEVEL_COLOURS: dict[RatingLevel, colors.Color] = {
    RatingLevel.PROVEN: colors.HexColor("#1b5e20"),
    RatingLevel.EFFECTIVE: colors.HexColor("#2e7d32"),
    RatingLevel.PROMISING: colors.HexColor("#1565c0"),
    RatingLevel.EMERGING: colors.HexColor("#5e35b1"),
    RatingLevel.INCONCLUSIVE: colors.HexColor("#616161"),
    RatingLevel.NO_EFFECTS: colors.HexColor("#6d4c41"),
    RatingLevel.HARMFUL: colors.HexColor("#b42318"),
    RatingLevel.NOT_RATED: colors.HexColor("#78909c"),
}

# Series colours for charts, distinguishable in greyscale print by their line styles too.
SERIES_COLOURS = (
    colors.HexColor("#1565c0"),
    colors.HexColor("#ef6c00"),
    colors.HexColor("#2e7d32"),
    colors.HexColor("#6a1b9a"),
    colors.HexColor("#c62828"),
    colors.HexColor("#00838f"),
)


@cache
def register_fonts() -> str:
    """Register the four DejaVu Sans faces once and return the family name.

    Raises:
        FileNotFoundError: when a font file is missing from the installation.
    """
    faces = {
        FONT: "DejaVuSans.ttf",
        FONT_BOLD: "DejaVuSans-Bold.ttf",
        FONT_ITALIC: "DejaVuSans-Oblique.ttf",
        FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    }
    for name, filename in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path(f"fonts/{filename}"))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    return FONT


def page_size(paper: str, wide: bool = False) -> tuple[float, float]:
    """The page size for ``paper`` ("a4" or "letter"), turned landscape when ``wide``.

    Raises:
        ValueError: naming the accepted paper sizes.
    """
    try:
        size = PAPER_SIZES[paper.lower()]
    except KeyError:
        raise ValueError(f"paper must be one of: {', '.join(PAPER_SIZES)}, not '{paper}'") from None
    return landscape(size) if wide else size


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    badge: ParagraphStyle
    badge_small: ParagraphStyle
    notice: ParagraphStyle
    alert: ParagraphStyle
    reference: ParagraphStyle


@cache
def styles() -> Styles:
    """The paragraph styles of every brief, all in DejaVu Sans."""
    register_fonts()
    base = ParagraphStyle(
        "base",
        fontName=FONT,
        fontSize=9.5,
        leading=13,
        textColor=INK,
        # Shaping is switched on per paragraph, only where a script needs it (text.P):
        # shaping every paragraph would slow every brief for nothing.
        shaping=0,
        splitLongWords=1,
    )

    def derive(name: str, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return Styles(
        title=derive("title", fontName=FONT_BOLD, fontSize=19, leading=24, spaceAfter=4),
        subtitle=derive("subtitle", fontSize=10, leading=13, textColor=MUTED, spaceAfter=6),
        h1=derive(
            "h1",
            fontName=FONT_BOLD,
            fontSize=13.5,
            leading=17,
            spaceBefore=12,
            spaceAfter=5,
        ),
        h2=derive(
            "h2",
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
        ),
        body=derive("body", spaceAfter=5),
        small=derive("small", fontSize=8, leading=10.5),
        muted=derive(
            "muted", fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=3, spaceAfter=4
        ),
        cell=derive("cell", fontSize=8, leading=10),
        cell_head=derive("cell_head", fontName=FONT_BOLD, fontSize=8, leading=10),
        badge=derive(
            "badge",
            fontName=FONT_BOLD,
            fontSize=15,
            leading=18,
            textColor=colors.white,
            alignment=TA_CENTER,
        ),
        badge_small=derive(
            "badge_small", fontSize=8.5, leading=11, textColor=colors.white, alignment=TA_CENTER
        ),
        notice=derive("notice", fontName=FONT_BOLD, fontSize=9, leading=12, textColor=NOTICE),
        alert=derive("alert", fontName=FONT_BOLD, fontSize=9.5, leading=12.5, textColor=ALERT),
        reference=derive("reference", fontSize=8.5, leading=11, leftIndent=18, firstLineIndent=-18),
    )


def grid_style(header_rows: int = 1) -> TableStyle:
    """Lines, header shading and zebra stripes for a data table."""
    register_fonts()
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, RULE),
            ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
            ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, STRIPE_FILL]),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
    )
