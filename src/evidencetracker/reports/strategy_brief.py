"""The strategy brief: one strategy, its rating, partners, outcomes, indicators and evidence.

A pure function of a redacted strategy (``domain.privacy.redact_detail``) and options: it never
sees content the person exporting did not choose to share.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from evidencetracker.domain import enums as E
from evidencetracker.domain.enums import RatingLevel
from evidencetracker.domain.privacy import RedactedDetail
from evidencetracker.reports import charts, document
from evidencetracker.reports import facts as F
from evidencetracker.reports import styles as S
from evidencetracker.reports.options import SAMPLE_NOTICE, STRATEGY_SECTIONS, BriefOptions
from evidencetracker.reports.text import NONE_RECORDED, P, clip, day, label_of, number


def notices_for(rd: RedactedDetail) -> document.PageNotices:
    """The page notices of a strategy brief: sample label, and CONFIDENTIAL when it applies."""
    strategy = rd.detail.strategy
    return document.PageNotices(
        running_title=f"Strategy brief: {strategy.title}",
        sample=bool(strategy.is_sample),
        marking=rd.disclosure.marking if rd.contains_confidential else None,
    )


def render_strategy_brief(rd: RedactedDetail, options: BriefOptions | None = None) -> bytes:
    """Return the PDF bytes of the brief of one redacted strategy."""
    options = options or BriefOptions()
    strategy = rd.detail.strategy
    return document.render(
        strategy_story(rd, options, document.content_width(options)),
        title=strategy.title,
        subject="Strategy brief: partnership strategy, evidence and rating",
        notices=notices_for(rd),
        options=options,
        keywords=["EvidenceTracker", "strategy brief"],
    )


def write_strategy_brief(
    rd: RedactedDetail, path: Path, options: BriefOptions | None = None
) -> Path:
    """Write the brief of one redacted strategy to ``path`` atomically.

    Raises:
        OSError: when the file cannot be written; an existing file at ``path`` is left as it was.
    """
    return document.save(path, render_strategy_brief(rd, options))


def strategy_story(rd: RedactedDetail, options: BriefOptions, width: float) -> list[Flowable]:
    """The flowables of a strategy brief, for this brief or for a brief that bundles several."""
    st = S.styles()
    story: list[Flowable] = _title_block(rd, width)
    builders = {
        "summary": _summary,
        "partners": _partners,
        "outcomes": _outcomes,
        "indicators": _indicators,
        "evidence": _evidence,
        "external": _external,
        "notes": _notes,
        "references": _references,
    }
    for key, title in STRATEGY_SECTIONS.items():
        if options.has(key):
            story.extend(document.section(title, st.h1, level=1))
            story.extend(builders[key](rd, width) or [P(NONE_RECORDED, st.muted)])
    return story


def _title_block(rd: RedactedDetail, width: float) -> list[Flowable]:
    st = S.styles()
    s = rd.detail.strategy
    out: list[Flowable] = [document.heading(s.title, st.title, level=0)]
    out.append(
        P(f"Strategy brief · {label_of(s.partnership_type)} · {label_of(s.status)}", st.subtitle)
    )
    if s.is_sample:
        out.append(P(SAMPLE_NOTICE, st.notice))
    if s.confidential:
        out.append(P("This strategy is confidential.", st.alert))
    level = s.headline_level or RatingLevel.NOT_RATED
    badge_cell = [P(level.label, st.badge)]
    if s.headline_certainty is not None and level != RatingLevel.NOT_RATED:
        badge_cell.append(P(f"{label_of(s.headline_certainty)} certainty", st.badge_small))
    facts = [
        P(F.rating_text(level, s.headline_certainty), st.body, label="Headline rating:"),
        P(F.labels(E.Focus, s.focus), st.body, label="Focus (4Ps):"),
        P(label_of(s.partnership_type), st.body, label="Partnership type:"),
        P(F.places(s.geography), st.body, label="Where:"),
        P(F.period(s.period_start, s.period_end), st.body, label="Period:"),
    ]
    if s.sectors:
        facts.append(P(F.labels(E.Sector, s.sectors), st.body, label="Sectors:"))
    if s.cost_amount is not None:
        facts.append(P(F.cost(s.cost_amount, s.cost_currency), st.body, label="Cost:"))
    badge_width = 120
    table = Table([[badge_cell, facts]], colWidths=[badge_width, width - badge_width])
    table.setStyle(
        [
            ("BACKGROUND", (0, 0), (0, 0), S.LEVEL_COLOURS[level]),
            ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
            ("VALIGN", (1, 0), (1, 0), "TOP"),
            ("LEFTPADDING", (1, 0), (1, 0), 12),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]
    )
    out += [Spacer(1, 4), table, Spacer(1, 4)]
    if s.harm_flag:
        out.append(
            P(
                "Harm flag: at least one outcome of this strategy is rated Harmful "
                "(a well-designed study found a significant adverse effect).",
                st.alert,
            )
        )
    out.append(
        P(
            "The headline rating is the best rating among the strategy's primary outcomes "
            "(all outcomes when none is primary), computed with the EvidenceTracker rubric.",
            st.muted,
        )
    )
    return out


def _summary(rd: RedactedDetail, width: float) -> list[Flowable]:
    st = S.styles()
    s = rd.detail.strategy
    out: list[Flowable] = []
    if s.summary:
        out.append(P(s.summary, st.body))
    if s.description:
        out.append(P(s.description, st.body))
    return out


def _grid(header: list[str], rows: list[list], widths: list[float]) -> Table:
    st = S.styles()
    data = [[P(h, st.cell_head) for h in header]]
    data += [[c if isinstance(c, Flowable) else P(c, st.cell) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(S.grid_style())
    return table


def _partners(rd: RedactedDetail, width: float) -> list[Flowable]:
    partners = rd.detail.partners
    if not partners:
        return []
    rows = [
        [p.organisation_name, label_of(p.organisation_type), label_of(p.role)] for p in partners
    ]
    return [
        _grid(["Organisation", "Type", "Role"], rows, [width * 0.5, width * 0.28, width * 0.22])
    ]


def _outcomes(rd: RedactedDetail, width: float) -> list[Flowable]:
    st = S.styles()
    outcomes = rd.detail.outcomes
    if not outcomes:
        return []
    rows = []
    for n, od in enumerate(outcomes, start=1):
        o, r = od.outcome, od.rating
        level = r.effective_level if r else RatingLevel.NOT_RATED
        certainty = r.effective_certainty if r else None
        rows.append(
            [
                f"O{n}",
                o.title + (" (primary)" if o.primary else ""),
                label_of(o.level),
                label_of(o.focus),
                F.rating_text(level, certainty),
            ]
        )
    out: list[Flowable] = [
        _grid(
            ["#", "Outcome", "Level", "P", "Rating"],
            rows,
            [width * 0.06, width * 0.42, width * 0.17, width * 0.12, width * 0.23],
        )
    ]
    for n, od in enumerate(outcomes, start=1):
        o, r = od.outcome, od.rating
        out.extend(document.section(f"O{n}. {o.title}", st.h2, level=2, room=60))
        if o.description:
            out.append(P(o.description, st.body))
        if r is None:
            out.append(P("Not rated: no evidence recorded on this outcome.", st.body))
            continue
        out.append(P(F.rating_text(r.effective_level, r.effective_certainty), st.body, "Rating:"))
        if r.override is not None:
            out.append(
                P(
                    f"{F.rating_text(r.level, r.certainty)}. A reviewer set the rating above "
                    f"on {day(r.override.created_at)}; justification: {r.override.justification}",
                    st.body,
                    label="Computed by the rubric:",
                )
            )
        # privacy.redact_detail has already replaced a trace that names a confidential study.
        out.append(P(r.trace or r.rule, st.muted, label=f"Rubric v{r.rubric_version} trace:"))
    return out


def _indicators(rd: RedactedDetail, width: float) -> list[Flowable]:
    st = S.styles()
    rows = []
    charts_out: list[Flowable] = []
    k = rd.disclosure.small_cell_k
    counter = 0
    for n, od in enumerate(rd.detail.outcomes, start=1):
        for ind in od.indicators:
            counter += 1
            i, ms = ind.indicator, ind.measurements
            latest = ms[-1] if ms else None
            name = f"{i.name} ({i.unit})" if i.unit else i.name
            rows.append(
                [
                    f"I{counter}",
                    f"{name} [O{n}]",
                    F.shown_value(rd, i.uid, "baseline_value", i.baseline_value),
                    F.shown_value(rd, i.uid, "target_value", i.target_value),
                    (
                        f"{F.shown_value(rd, latest.uid, 'value', latest.value)} ({latest.period})"
                        if latest
                        else "-"
                    ),
                    F.progress(rd, i, latest),
                ]
            )
            if not ms:
                continue
            values = [None if rd.is_suppressed(m.uid, "value") else m.value for m in ms]
            hidden = any(v is None for v in values) or any(
                rd.is_suppressed(i.uid, f) for f in ("baseline_value", "target_value")
            )
            caption = [P(f"I{counter}. {name}", st.h2)]
            if all(v is None for v in values):
                note = f"Every value counts fewer than {k} persons: nothing can be plotted."
                charts_out.append(KeepTogether([*caption, P(note, st.muted)]))
                continue
            if hidden:
                caption.append(P(f"Counts of fewer than {k} persons are not plotted.", st.muted))
            figure = charts.indicator_chart(
                [m.period for m in ms],
                values,
                None if rd.is_suppressed(i.uid, "baseline_value") else i.baseline_value,
                None if rd.is_suppressed(i.uid, "target_value") else i.target_value,
                width=min(width, 420),
            )
            charts_out.append(KeepTogether([*caption, figure, Spacer(1, 6)]))
    if not rows:
        return []
    table = _grid(
        ["#", "Indicator [outcome]", "Baseline", "Target", "Latest", "Progress"],
        rows,
        [width * 0.06, width * 0.36, width * 0.12, width * 0.12, width * 0.16, width * 0.18],
    )
    return [table, Spacer(1, 6), *charts_out]


def _evidence(rd: RedactedDetail, width: float) -> list[Flowable]:
    sources = rd.detail.sources
    if not sources:
        return []
    by_source = F.findings_by_source(rd)
    rows = []
    for n, s in enumerate(sources, start=1):
        found = by_source.get(s.uid, [])
        rows.append(
            [
                f"[{n}]",
                F.short_citation(s) + (" [confidential]" if s.confidential else ""),
                label_of(s.design),
                str(F.study_score(s)),
                number(s.sample_size) if s.sample_size is not None else "-",
                F.verdicts(s, found),
                F.effects(found),
            ]
        )
    fractions = [0.06, 0.31, 0.16, 0.07, 0.09, 0.14, 0.17]
    return [
        _grid(
            ["#", "Citation", "Design", "Score", "Sample", "Verdict", "Effect"],
            rows,
            [width * f for f in fractions],
        ),
        P(
            "Score: the rubric's design score (0-5) minus one per execution concern. "
            "Verdict and effect are given per outcome (O1, O2, ...).",
            S.styles().muted,
        ),
    ]


def _external(rd: RedactedDetail, width: float) -> list[Flowable]:
    ratings = rd.detail.external_ratings
    if not ratings:
        return []
    rows = [
        [label_of(x.source), x.rating, day(x.rated_on), clip(x.url or x.notes or "", 400)]
        for x in ratings
    ]
    return [
        _grid(
            ["Rated by", "Rating", "Rated on", "Link or note"],
            rows,
            [width * 0.25, width * 0.25, width * 0.14, width * 0.36],
        ),
        P(
            "External ratings are shown beside the app's own; they never feed the rubric.",
            S.styles().muted,
        ),
    ]


def _notes(rd: RedactedDetail, width: float) -> list[Flowable]:
    st = S.styles()
    return [
        P(n.body, st.body, label="Confidential note:" if n.confidential else None)
        for n in rd.detail.notes
    ]


def _references(rd: RedactedDetail, width: float) -> list[Flowable]:
    st = S.styles()
    return [
        P(F.full_citation(s), st.reference, label=f"[{n}]")
        for n, s in enumerate(rd.detail.sources, start=1)
    ]
