"""Plain-text facts the briefs print: ratings, citations, study scores and verdicts, counts.

Everything here returns plain strings (never markup); the brief modules pass them through ``P``.
Study scores and verdicts come from the rubric itself, so a brief cannot disagree with the app.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from evidencetracker.domain import geography, rubric
from evidencetracker.domain.enums import EffectSizeType, FindingDirection, RatingLevel
from evidencetracker.domain.privacy import RedactedDetail, format_count
from evidencetracker.reports.text import clip, label_of, number

_EFFECT_NAMES = {
    EffectSizeType.SMD: "SMD",
    EffectSizeType.ODDS_RATIO: "OR",
    EffectSizeType.PERCENT_CHANGE: "change",
}


def rating_text(level: RatingLevel | None, certainty: Any) -> str:
    """ "Promising (Low certainty)", or "Not rated"."""
    level = level or RatingLevel.NOT_RATED
    if certainty is None or level == RatingLevel.NOT_RATED:
        return level.label
    return f"{level.label} ({label_of(certainty)} certainty)"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def labels(enum: type, values: Iterable[str] | None) -> str:
    """Stored enum values as their labels: "Prevention, Partnership"."""
    out = []
    for value in values or ():
        try:
            out.append(enum(value).label)
        except ValueError:
            out.append(str(value))
    return ", ".join(out) or "-"


def places(codes: Iterable[str]) -> str:
    return ", ".join(geography.name_of(c) for c in codes or ()) or "-"


def period(start: Any, end: Any) -> str:
    if start is None and end is None:
        return "-"
    first = start.isoformat() if start else "?"
    last = end.isoformat() if end else "ongoing"
    return f"{first} to {last}"


def cost(amount: Any, currency: str | None) -> str:
    if amount is None:
        return "-"
    return f"{number(float(amount))} {currency or ''}".strip()


def first_author(authors: str | None) -> str:
    """The first author's family name, with "et al." when there are more."""
    names = [a.strip() for a in (authors or "").split(";") if a.strip()]
    if not names:
        return ""
    family = names[0].split(",")[0].strip()
    return f"{family} et al." if len(names) > 1 else family


def short_citation(source: Any) -> str:
    """ "Nguyen et al. (2021) Ethical recruitment in..." for a table cell."""
    who = first_author(source.authors)
    year = source.year or "n.d."
    head = f"{who} ({year})" if who else f"({year})"
    title = source.title or ""
    if len(title) > 140:
        title = title[:139].rstrip() + "…"
    return f"{head} {title}"


def full_citation(source: Any) -> str:
    """The whole reference: authors (year). Title. Publisher. DOI / URL."""
    parts = []
    authors = (source.authors or "").strip()
    parts.append(
        f"{authors} ({source.year or 'n.d.'})." if authors else f"({source.year or 'n.d.'})."
    )
    parts.append(f"{(source.title or '').rstrip('.')}.")
    if source.publisher:
        parts.append(f"{source.publisher.rstrip('.')}.")
    if source.doi:
        parts.append(f"doi:{source.doi}")
    if source.url:
        parts.append(source.url)
    text = " ".join(parts)
    if source.confidential:
        text += " [confidential]"
    return text


def study_score(source: Any) -> int:
    """The source's rubric score: design score minus one per execution concern."""
    return _study(source, ()).score


def _study(source: Any, findings: Iterable[Any]) -> rubric.StudyInput:
    return rubric.StudyInput(
        uid=str(source.uid),
        label=first_author(source.authors),
        design=source.design,
        concern_attrition=bool(source.concern_attrition),
        concern_baseline=bool(source.concern_baseline),
        concern_measure=bool(source.concern_measure),
        findings=tuple(
            rubric.FindingInput(f.direction, bool(f.significant), f.effect_size) for f in findings
        ),
    )


def findings_by_source(rd: RedactedDetail) -> dict[uuid.UUID, list[tuple[int, Any]]]:
    """Per source uid: (outcome number, finding) pairs, outcome numbers counted from 1."""
    out: dict[uuid.UUID, list[tuple[int, Any]]] = {}
    for number_, od in enumerate(rd.detail.outcomes, start=1):
        for f in od.findings:
            out.setdefault(f.source_uid, []).append((number_, f))
    return out


def verdicts(source: Any, findings: list[tuple[int, Any]]) -> str:
    """The study's verdict per outcome it reports on: "O1 favourable; O2 null"."""
    by_outcome: dict[int, list[Any]] = {}
    for outcome_number, f in findings:
        by_outcome.setdefault(outcome_number, []).append(f)
    parts = [
        f"O{n} {rubric.study_verdict(_study(source, fs)).label.lower()}"
        for n, fs in sorted(by_outcome.items())
    ]
    return "; ".join(parts) or "-"


def effects(findings: list[tuple[int, Any]]) -> str:
    """Effect sizes as reported: "O1 SMD 0.32 (significant)"."""
    parts = []
    for outcome_number, f in findings:
        if f.effect_size is None:
            continue
        name = _EFFECT_NAMES.get(f.effect_size_type, "")
        if f.effect_size_type == EffectSizeType.PERCENT_CHANGE:
            value = f"{f.effect_size:+g}%"
        else:
            value = f"{name} {f.effect_size:g}"
        sig = ", significant" if f.significant else ""
        parts.append(f"O{outcome_number} {value}{sig}")
    return "; ".join(parts) or "-"


def shown_value(rd: RedactedDetail, uid: uuid.UUID, field: str, value: float | None) -> str:
    """A number as a shareable brief may print it: small person counts as "fewer than k"."""
    if rd.is_suppressed(uid, field):
        return format_count(value, person_count=True, k=rd.disclosure.small_cell_k, suppress=True)
    return number(value)


def progress(rd: RedactedDetail, indicator: Any, latest: Any) -> str:
    """How far the latest value has moved from baseline to target, in percent.

    Not shown when any of the three numbers is suppressed: with the other two, a percentage
    would let a reader work the hidden count back out.
    """
    i = indicator
    if latest is None or i.baseline_value is None or i.target_value is None:
        return "-"
    if (
        rd.is_suppressed(i.uid, "baseline_value")
        or rd.is_suppressed(i.uid, "target_value")
        or rd.is_suppressed(latest.uid, "value")
    ):
        return "not shown (small count)"
    span = i.target_value - i.baseline_value
    if span == 0:
        return "-"
    return f"{(latest.value - i.baseline_value) / span * 100:.0f}% of the way to target"


def studies_by_score(sources: Iterable[Any]) -> list[int]:
    """How many of ``sources`` have each rubric score, index 0 to 5."""
    counts = [0] * 6
    for s in sources:
        counts[study_score(s)] += 1
    return counts


def strongest_finding(rd: RedactedDetail) -> str:
    """The significant favourable finding of the highest-scoring shared study, as text.

    The same rule as the comparison view (ComparisonService.compare): highest study score, then
    the largest absolute effect size, then the earliest recorded; applied here to the findings a
    brief may show, so it never points at a confidential source.
    """
    sources = {s.uid: s for s in rd.detail.sources}
    best = None
    for od in rd.detail.outcomes:
        for f in od.findings:
            source = sources.get(f.source_uid)
            if source is None or not f.significant or f.direction != FindingDirection.FAVOURABLE:
                continue
            size = abs(f.effect_size) if f.effect_size is not None else -1.0
            key = (-study_score(source), -size, f.created_at)
            if best is None or key < best[0]:
                best = (key, od.outcome, f, source)
    if best is None:
        return "No significant favourable finding"
    _, outcome, f, source = best
    who = first_author(source.authors) or clip(source.title, 40)
    effect = ""
    if f.effect_size is not None:
        effect = f", {effects([(0, f)]).removeprefix('O0 ').removesuffix(', significant')}"
    score = study_score(source)
    return f"{who} {source.year or 'n.d.'} (score {score}) on \u201c{outcome.title}\u201d{effect}"
