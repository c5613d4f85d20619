"""The comparison brief: 2 to 6 strategies side by side, with a chart of levels and evidence.

Takes the comparison computed by ``ComparisonService.compare`` for the ratings, partners and
facts, and each strategy's redacted detail for everything that depends on what may be shared
(study counts, strongest finding, indicator values), so no confidential source or small person
count reaches the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table

from evidencetracker.domain import enums as E
from evidencetracker.domain.comparison_records import ComparedStrategy, Comparison
from evidencetracker.domain.privacy import RedactedDetail
from evidencetracker.reports import charts, document
from evidencetracker.reports import facts as F
from evidencetracker.reports import styles as S
from evidencetracker.reports.options import SAMPLE_NOTICE, BriefOptions
from evidencetracker.reports.text import P

# More strategies than this do not fit a portrait page legibly.
PORTRAIT_MAX = 3
# A table row cannot break across pages, so long lists in a cell are cut short.
MAX_LINES = 12


def _bullets(items: Sequence[str], empty: str) -> str:
    shown = [f"• {x}" for x in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        shown.append(f"and {len(items) - MAX_LINES} more")
    return "\n".join(shown) or empty


def _progress_lines(rd: RedactedDetail) -> str:
    lines = []
    for od in rd.detail.outcomes:
        for ind in od.indicators:
            i, ms = ind.indicator, ind.measurements
            latest = ms[-1] if ms else None
            value = (
                f"{F.shown_value(rd, latest.uid, 'value', latest.value)} in {latest.period}"
                if latest
                else "no values yet"
            )
            lines.append(f"{i.name}: {value}; {F.progress(rd, i, latest)}")
    return _bullets(lines, "No indicators")


def _rows(pairs: Sequence[tuple[ComparedStrategy, RedactedDetail]]) -> list[tuple[str, list[str]]]:
    def row(label: str, fn) -> tuple[str, list[str]]:  # noqa: ANN001
        return label, [fn(c, rd) for c, rd in pairs]

    def outcomes(c: ComparedStrategy, rd: RedactedDetail) -> str:
        lines = [
            f"{o.title} [{o.focus.label}]: {F.rating_text(o.level, o.certainty)}"
            + (" (override)" if o.overridden else "")
            for o in c.outcome_ratings
        ]
        return _bullets(lines, "No outcomes")

    def by_score(c: ComparedStrategy, rd: RedactedDetail) -> str:
        counts = F.studies_by_score(rd.detail.sources)
        return ", ".join(f"{counts[n]} at {n}" for n in range(5, -1, -1) if counts[n]) or "-"

    return [
        row("Headline rating", lambda c, rd: F.rating_text(c.headline_level, c.headline_certainty)),
        row("Harm flag", lambda c, rd: "Harm found" if c.harm_flag else "No harm found"),
        row("Ratings per outcome", outcomes),
        row("Studies", lambda c, rd: str(len(rd.detail.sources))),
        row("Studies by score (5 best)", by_score),
        row("Strongest finding", lambda c, rd: F.strongest_finding(rd)),
        row("Indicator progress", lambda c, rd: _progress_lines(rd)),
        row("Cost", lambda c, rd: F.cost(c.cost_amount, c.cost_currency)),
        row("Partners", lambda c, rd: _bullets(c.partners, "None recorded")),
        row("Partnership type", lambda c, rd: c.partnership_type.label),
        row("Ps", lambda c, rd: F.labels(E.Focus, c.focus)),
        row("Geography", lambda c, rd: F.places(c.geography)),
        row("Period", lambda c, rd: F.period(c.period_start, c.period_end)),
        row("Status", lambda c, rd: c.status.label),
    ]


def comparison_story(
    comparison: Comparison, details: Sequence[RedactedDetail], width: float
) -> list[Flowable]:
    """The flowables of a comparison brief."""
    st = S.styles()
    pairs = list(zip(comparison.strategies, details, strict=True))
    story: list[Flowable] = [
        document.heading("Comparison of strategies", st.title, level=0),
        P(f"{len(pairs)} strategies side by side. Shaded rows differ between them.", st.subtitle),
    ]
    if any(c.is_sample for c, _ in pairs):
        story.append(P(SAMPLE_NOTICE, st.notice))
    if any(c.harm_flag for c, _ in pairs):
        harmful = ", ".join(c.title for c, _ in pairs if c.harm_flag)
        story.append(P(f"Harm flag: an outcome is rated Harmful in {harmful}.", st.alert))
    story.extend(document.section("Levels and evidence", st.h1, level=1))
    story.append(
        charts.bar_chart(
            [c.title for c, _ in pairs],
            [len(rd.detail.sources) for _, rd in pairs],
            min(width, 520),
            value_labels=[
                f"{F.plural(len(rd.detail.sources), 'study', 'studies')} · {c.headline_level.label}"
                for c, rd in pairs
            ],
            bar_colours=[S.LEVEL_COLOURS[c.headline_level] for c, _ in pairs],
            title="Studies per strategy, coloured by headline rating",
        )
    )
    story.extend(document.section("Side by side", st.h1, level=1))
    label_width = 100
    column = (width - label_width) / len(pairs)
    header = [P("", st.cell_head)] + [P(c.title, st.cell_head) for c, _ in pairs]
    data = [header]
    shaded = []
    for index, (label, values) in enumerate(_rows(pairs), start=1):
        data.append([P(label, st.cell_head)] + [P(v, st.cell) for v in values])
        if len(set(values)) > 1:
            shaded.append(index)
    table = Table(data, colWidths=[label_width] + [column] * len(pairs), repeatRows=1)
    style = S.grid_style()
    style.add("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white])
    for index in shaded:
        style.add("BACKGROUND", (1, index), (-1, index), S.STRIPE_HIGHLIGHT)
    table.setStyle(style)
    story += [table, Spacer(1, 4)]
    if comparison.missing:
        story.append(
            P(
                f"{len(comparison.missing)} strategies of the saved set no longer exist "
                "and are left out.",
                st.muted,
            )
        )
    return story


def render_comparison_brief(
    comparison: Comparison, details: Sequence[RedactedDetail], options: BriefOptions
) -> bytes:
    """Return the PDF bytes of a comparison brief; landscape for more than three strategies.

    Args:
        comparison: from ``ComparisonService.compare``.
        details: the redacted detail of each compared strategy, in the same order.
        options: paper and date.
    """
    wide = len(comparison.strategies) > PORTRAIT_MAX
    titles = "; ".join(c.title for c in comparison.strategies)
    notices = document.PageNotices(
        running_title=f"Comparison brief: {titles}",
        sample=any(c.is_sample for c in comparison.strategies),
        marking=next((rd.disclosure.marking for rd in details if rd.contains_confidential), None),
    )
    return document.render(
        comparison_story(comparison, details, document.content_width(options, wide)),
        title=f"Comparison: {titles}",
        subject="Comparison brief: partnership strategies side by side",
        notices=notices,
        options=options,
        wide=wide,
        keywords=["EvidenceTracker", "comparison brief"],
    )


def write_comparison_brief(
    comparison: Comparison,
    details: Sequence[RedactedDetail],
    path: Path,
    options: BriefOptions | None = None,
) -> Path:
    """Write a comparison brief to ``path`` atomically."""
    return document.save(
        path, render_comparison_brief(comparison, details, options or BriefOptions())
    )
