"""The one way user text reaches a ReportLab Paragraph, and plain-text formatting helpers.

ReportLab parses Paragraph text as markup: raw ``<img src=...>`` opens local files, ``<a href>``
makes live links and a stray ``<`` or ``&`` breaks or mangles the output (ENGINEERING.md 3). So
every Paragraph in the briefs is made by ``P``, which escapes its text; nothing else builds
markup from user data.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from evidencetracker.reports.styles import SHAPING_AVAILABLE

NONE_RECORDED = "None recorded"


def escape_text(text: Any) -> str:
    """Escape ``text`` for Paragraph markup; newlines become line breaks."""
    value = "" if text is None else str(text)
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


# Scripts whose letters join or reorder (Hebrew, Arabic, Syriac, Thaana, N'Ko, the Indic
# scripts, Thai, Lao, Tibetan, Myanmar, Khmer, and the Arabic presentation forms).
_SHAPED_SCRIPTS = re.compile(
    "[\u0590-\u08ff\u0900-\u0fff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]"
)


def needs_shaping(text: str) -> bool:
    return bool(_SHAPED_SCRIPTS.search(text))


@cache
def _shaped(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


def P(text: Any, style: ParagraphStyle, label: str | None = None) -> Paragraph:
    """A Paragraph showing ``text`` literally, optionally after a bold ``label``.

    Args:
        text: user or generated text; markup characters in it print as themselves.
        style: the paragraph style.
        label: an optional lead-in (for example "Role:"), also escaped, set in bold.
    """
    body = escape_text(text)
    if label:
        body = f"<b>{escape_text(label)}</b> {body}"
    if SHAPING_AVAILABLE and needs_shaping(body):
        style = _shaped(style)
    return Paragraph(body, style)


def label_of(value: Any, empty: str = "-") -> str:
    """The human label of an enum member, or the value itself."""
    if value is None or value == "":
        return empty
    return getattr(value, "label", None) or str(value)


def number(value: float | None) -> str:
    """A measurement as people write it: no trailing .0, thousands separated."""
    if value is None:
        return "-"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def day(value: date | datetime | None) -> str:
    """A date in ISO form (unambiguous for every reader)."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def clip(text: str | None, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters with an ellipsis (for headers and table cells)."""
    value = (text or "").strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
