"""The portfolio brief: the evidence gap map as a figure, then every strategy in the filter,
grouped by headline rating, one line each, with a bookmark per group."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table

from evidencetracker.domain import enums as E
from evidencetracker.domain.comparison_records import GapMap
from evidencetracker.domain.privacy import RedactedDetail
from evidencetracker.reports import charts, document
from evidencetracker.reports import facts as F
from evidencetracker.reports import styles as S
from evidencetracker.reports.options import SAMPLE_NOTICE, BriefOptions
from evidencetracker.reports.text import NONE_RECORDED, P, label_of


@dataclass(frozen=True)
class PortfolioEntry:
    """One strategy's line in the portfolio, from what may be shared of it."""

    uid: uuid.UUID
    title: str
    partnership_type: E.PartnershipType
    focus: tuple[str, ...]
    geography: tuple[str, ...]
    status: E.StrategyStatus
    headline_level: E.RatingLevel
    headline_certainty: E.Certainty | None
    harm_flag: bool
    sources: int
    is_sample: bool
    contains_confidential: bool

    @classmethod
    def from_redacted(cls, rd: RedactedDetail) -> PortfolioEntry:
        s = rd.detail.strategy
        return cls(
            uid=s.uid,
            title=s.title,
            partnership_type=s.partnership_type,
            focus=tuple(s.focus or ()),
            geography=tuple(s.geography or ()),
            status=s.status,
            headline_level=s.headline_level or E.RatingLevel.NOT_RATED,
            headline_certainty=s.headline_certainty,
            harm_flag=bool(s.harm_flag),
            sources=len(rd.detail.sources),
            is_sample=bool(s.is_sample),
            contains_confidential=rd.contains_confidential,
        )


def _tint(colour: colors.Color, strength: float) -> colors.Color:
    """``colour`` mixed with white: 0 is white, 1 the colour itself."""
    return colors.Color(
        1 - (1 - colour.red) * strength,
        1 - (1 - colour.green) * strength,
        1 - (1 - colour.blue) * strength,
    )


def gap_figure(gap: GapMap, width: float) -> Flowable:
    """The gap map as a grid: shade by number of studies, text "N studies · best level"."""
    top = max(gap.max_studies, 1)
    cells = []
    for row in gap.rows:
        line = []
        for focus in gap.columns:
            cell = gap.cell(row, focus)
            if cell.empty:
                line.append((0, None, "gap"))
                continue
            level = cell.best_level.label if cell.best_level else "not rated"
            text = f"{cell.studies} · {level}" + (" · harm" if cell.harm else "")
            fill = (
                S.ALERT if cell.harm else _tint(S.SERIES_COLOURS[0], 0.2 + 0.8 * cell.studies / top)
            )
            line.append((cell.studies, fill, text))
        cells.append(line)
    return charts.matrix_figure(gap.row_labels, [f.label for f in gap.columns], cells, width)


def portfolio_story(
    entries: Sequence[PortfolioEntry],
    gap: GapMap | None,
    width: float,
    filter_text: str = "",
) -> list[Flowable]:
    """The flowables of a portfolio brief."""
    st = S.styles()
    story: list[Flowable] = [
        document.heading("Portfolio of partnership strategies", st.title, level=0),
        P(
            f"{len(entries)} strategies" + (f" matching: {filter_text}" if filter_text else ""),
            st.subtitle,
        ),
    ]
    if any(e.is_sample for e in entries):
        story.append(P(SAMPLE_NOTICE, st.notice))
    story.extend(document.section("Evidence gap map", st.h1, level=1, room=200))
    if gap is None:
        story.append(P(NONE_RECORDED, st.muted))
    else:
        rows_name = "partnership type" if gap.layout == "partnership_type" else "outcome level"
        story.append(
            P(
                f"Each cell: the number of studies per {rows_name} and P, then the best rating "
                "among the outcomes in the cell. Darker cells hold more studies; red cells "
                "contain an outcome rated Harmful; 'gap' marks a cell with no studies.",
                st.muted,
            )
        )
        story.append(gap_figure(gap, width))
    story.extend(document.section("Strategies by headline rating", st.h1, level=1))
    if not entries:
        story.append(P(NONE_RECORDED, st.muted))
    for level in E.RatingLevel:
        group = [e for e in entries if e.headline_level == level]
        if not group:
            continue
        story.extend(document.section(f"{level.label} ({len(group)})", st.h2, level=2, room=70))
        rows = [
            [
                e.title + (" [harm flag]" if e.harm_flag else ""),
                label_of(e.partnership_type),
                F.labels(E.Focus, e.focus),
                F.places(e.geography),
                label_of(e.headline_certainty),
                str(e.sources),
            ]
            for e in group
        ]
        data = [
            [
                P(h, st.cell_head)
                for h in ("Strategy", "Partnership type", "Ps", "Where", "Certainty", "Studies")
            ]
        ] + [[P(c, st.cell) for c in row] for row in rows]
        fractions = [0.28, 0.20, 0.16, 0.15, 0.11, 0.10]
        table = Table(
            data,
            colWidths=[width * f for f in fractions],
            repeatRows=1,
            hAlign="LEFT",
        )
        style = S.grid_style()
        style.add("LINEBEFORE", (0, 0), (0, -1), 3, S.LEVEL_COLOURS[level])
        table.setStyle(style)
        story += [table, Spacer(1, 4)]
    return story


def render_portfolio_brief(
    entries: Sequence[PortfolioEntry],
    gap: GapMap | None,
    options: BriefOptions,
    filter_text: str = "",
    marking: str | None = None,
) -> bytes:
    """Return the PDF bytes of a portfolio brief.

    Args:
        entries: the strategies to list, already redacted (see ``PortfolioEntry.from_redacted``).
        gap: the gap map of exactly those strategies, or None when there are none.
        options: paper and date.
        filter_text: the filter in words, printed under the title.
        marking: "CONFIDENTIAL" when confidential content is included.
    """
    notices = document.PageNotices(
        running_title="Portfolio brief",
        sample=any(e.is_sample for e in entries),
        marking=marking,
    )
    return document.render(
        portfolio_story(entries, gap, document.content_width(options), filter_text),
        title="Portfolio of partnership strategies",
        subject="Portfolio brief: evidence gap map and strategies by rating",
        notices=notices,
        options=options,
        keywords=["EvidenceTracker", "portfolio brief"],
    )


def write_portfolio_brief(
    entries: Sequence[PortfolioEntry],
    gap: GapMap | None,
    path: Path,
    options: BriefOptions | None = None,
    filter_text: str = "",
    marking: str | None = None,
) -> Path:
    """Write a portfolio brief to ``path`` atomically."""
    data = render_portfolio_brief(entries, gap, options or BriefOptions(), filter_text, marking)
    return document.save(path, data)
