"""The page frame of every brief: header, footer with "Page X of Y", notices, outline, metadata.

``render`` lays a story out into PDF bytes; ``save`` writes bytes atomically. Keeping the two
apart means a layout error never creates a file, and a write error never leaves half of one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
)

from evidencetracker.atomic import write_atomic
from evidencetracker.reports import styles as S
from evidencetracker.reports.options import SAMPLE_NOTICE, BriefOptions
from evidencetracker.reports.text import P, clip

PRODUCER = "EvidenceTracker"
_TOTAL_FORM = "et_page_total"


@dataclass(frozen=True)
class PageNotices:
    """What every page says besides its content."""

    running_title: str
    sample: bool = False
    marking: str | None = None  # "CONFIDENTIAL" when confidential content is included

    def lines(self) -> list[str]:
        out = []
        if self.marking:
            out.append(self.marking)
        if self.sample:
            out.append(SAMPLE_NOTICE)
        return out


def heading(text: str, style, level: int = 0, outline: str | None = None) -> Paragraph:
    """A heading paragraph that also becomes a PDF bookmark at ``level``."""
    para = P(text, style)
    para.outline_entry = (clip(outline or text, 120), level)
    return para


def section(text: str, style, level: int = 1, room: float = 90) -> list[Flowable]:
    """A heading that starts a new page when less than ``room`` points are left below it.

    Used instead of keepWithNext: that wraps the heading and the next flowable in KeepTogether,
    which pushes a long table whole onto the next page and leaves a half-empty page behind.
    """
    return [CondPageBreak(room), heading(text, style, level)]


class _BriefDoc(BaseDocTemplate):
    """Adds an outline entry for every heading made by ``heading``."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._outline_keys = 0
        self._outline_levels: list[int] = []

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (ReportLab's name)
        entry = getattr(flowable, "outline_entry", None)
        if entry is None:
            return
        text, level = entry
        # An outline level may only go one deeper than the one before it.
        previous = self._outline_levels[-1] if self._outline_levels else -1
        level = min(level, previous + 1)
        self._outline_levels.append(level)
        self._outline_keys += 1
        key = f"h{self._outline_keys}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)


def _canvas_class(notices: PageNotices, options: BriefOptions) -> type[Canvas]:
    generated = options.date.isoformat()

    class NumberedCanvas(Canvas):
        """Draws the header and footer on each page; "of Y" is a form filled in at the end.

        Deferring whole pages until the total is known (the usual recipe) breaks bookmarks,
        which must point at the page being drawn; a form XObject referenced on every page and
        defined once in ``save`` does not.
        """

        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            self._page_count = 0
            # Only the date: ReportLab's default timestamp carries the local UTC offset.
            self.setDateFormatter(lambda *_: f"D:{generated.replace('-', '')}")

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._page_count += 1
            self._draw_frame(self._page_count)
            super().showPage()

        def save(self) -> None:
            self.beginForm(_TOTAL_FORM)
            self.setFont(S.FONT, 7.5)
            self.setFillColor(S.MUTED)
            self.drawString(0, 0, str(self._page_count))
            self.endForm()
            super().save()

        def _draw_frame(self, number: int) -> None:
            width, height = self._pagesize
            left, right = S.MARGIN, width - S.MARGIN
            top = height - S.MARGIN + 8
            self.saveState()
            self.setStrokeColor(S.RULE)
            self.setLineWidth(0.5)
            self.line(left, top - 4, right, top - 4)
            self.line(left, S.MARGIN - 8, right, S.MARGIN - 8)
            self.setFont(S.FONT, 7.5)
            self.setFillColor(S.MUTED)
            title_room = (right - left) * (0.55 if notices.marking else 1.0)
            self.drawString(left, top, _fit(notices.running_title, S.FONT, 7.5, title_room))
            page_text = f"Page {number} of "
            self.drawString(left, S.MARGIN - 20, page_text)
            self.saveState()
            self.translate(left + stringWidth(page_text, S.FONT, 7.5), S.MARGIN - 20)
            self.doForm(_TOTAL_FORM)
            self.restoreState()
            self.drawRightString(
                right, S.MARGIN - 20, f"Generated {generated} with EvidenceTracker"
            )
            if notices.sample:
                self.setFont(S.FONT_BOLD, 7.5)
                self.setFillColor(S.NOTICE)
                self.drawCentredString(width / 2, S.MARGIN - 31, SAMPLE_NOTICE)
            if notices.marking:
                self.setFont(S.FONT_BOLD, 9)
                self.setFillColor(S.ALERT)
                self.drawRightString(right, top, notices.marking)
                self.drawCentredString(width / 2, S.MARGIN - 20, notices.marking)
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, font: str, size: float, room: float) -> str:
    """``text`` shortened with an ellipsis to fit ``room`` points (one header line)."""
    if stringWidth(text, font, size) <= room:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= room:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def content_width(options: BriefOptions, wide: bool = False) -> float:
    width, _ = S.page_size(options.paper, wide)
    return width - 2 * S.MARGIN


def render(
    story: Sequence[Flowable],
    *,
    title: str,
    subject: str,
    notices: PageNotices,
    options: BriefOptions,
    wide: bool = False,
    keywords: Sequence[str] = (),
) -> bytes:
    """Lay ``story`` out on pages and return the PDF bytes.

    The document information holds the title and subject only: no author, no file path and a
    creation date without time or time zone.
    """
    S.register_fonts()
    buffer = io.BytesIO()
    pagesize = S.page_size(options.paper, wide)
    doc = _BriefDoc(
        buffer,
        pagesize=pagesize,
        leftMargin=S.MARGIN,
        rightMargin=S.MARGIN,
        topMargin=S.MARGIN + 6,
        bottomMargin=S.MARGIN + 6,
        title=clip(title, 300),
        subject=clip(subject, 300),
        author="",
        creator=PRODUCER,
        producer=PRODUCER,
        keywords=list(keywords),
        invariant=1 if options.invariant else 0,
        lang="en-GB",
        displayDocTitle=1,
        initialFontName=S.FONT,
    )
    frame = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", showBoundary=0
    )
    doc.addPageTemplates([PageTemplate(id="brief", frames=[frame], pagesize=pagesize)])
    doc.build(list(story), canvasmaker=_canvas_class(notices, options))
    return buffer.getvalue()


def save(path: Path, data: bytes) -> Path:
    """Write PDF bytes to ``path`` under a temporary name, then rename over it."""
    return write_atomic(Path(path), data)
