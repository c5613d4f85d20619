"""The one place that decides what a shareable export may show.

The PDF briefs and the CSV/XLSX tables pass their data through ``redact_detail`` and format
person counts with ``format_count``; the JSON bundle, which works on whole tables, leaves out the
counts that ``is_small`` flags. So the confidential rule and the small-cell rule of DOMAIN.md
are decided here for every format.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from evidencetracker.domain.records import IndicatorDetail, OutcomeRatingRecord, StrategyDetail

DEFAULT_SMALL_CELL_K = 11  # the Counter Trafficking Data Collaborative's threshold


@dataclass(frozen=True)
class Disclosure:
    """What the person exporting chose to share."""

    include_confidential: bool = False
    small_cell_k: int = DEFAULT_SMALL_CELL_K

    @property
    def marking(self) -> str | None:
        """The notice every page must carry, if any."""
        return "CONFIDENTIAL" if self.include_confidential else None


@dataclass(frozen=True)
class RedactedDetail:
    """A strategy as it may be shared, with the person counts that must print as "fewer than k".

    ``suppressed`` holds (record uid, field name) pairs: a measurement's ``value`` or an
    indicator's ``baseline_value`` / ``target_value``.
    """

    detail: StrategyDetail
    disclosure: Disclosure
    suppressed: frozenset[tuple[uuid.UUID, str]] = field(default_factory=frozenset)
    omitted: int = 0  # confidential items left out (sources, notes, attachments, findings)

    def is_suppressed(self, uid: uuid.UUID, field_name: str) -> bool:
        return (uid, field_name) in self.suppressed

    @property
    def contains_confidential(self) -> bool:
        d = self.detail
        return (
            bool(d.strategy.confidential)
            or any(s.confidential for s in d.sources)
            or any(n.confidential for n in d.notes)
            or any(a.confidential for a in d.attachments)
        )


def is_small(value: float | None, k: int) -> bool:
    """A person count below k (zero included: "none" can identify as well as "one")."""
    return value is not None and value < k


def format_count(value: float | None, *, person_count: bool, k: int, suppress: bool) -> str:
    """How a value prints in a shareable export."""
    if value is None:
        return ""
    if suppress and person_count and is_small(value, k):
        return f"fewer than {k}"
    return f"{value:.15g}"  # every digit of a count: 1234567, not 1.23457e+06


def _redact_rating(rating: OutcomeRatingRecord | None, hidden: set[str]) -> Any:
    """A rating that counted a confidential study: its trace names that study, so it goes.

    The level and certainty stay (they are what the evidence supports); the studies list keeps
    only the shareable ones, and the trace says why it is not shown.
    """
    if rating is None or not hidden:
        return rating
    kept = tuple(s for s in rating.studies if str(s.get("uid")) not in hidden)
    left_out = len(rating.studies) - len(kept)
    if not left_out:
        return rating
    notice = (
        f"This rating also rests on {left_out} confidential source"
        f"{'' if left_out == 1 else 's'} left out of this export, so the rubric trace, which "
        "names every study counted, is not shown."
    )
    return replace(rating, trace=notice, studies=kept)


def redact_detail(detail: StrategyDetail, disclosure: Disclosure) -> RedactedDetail | None:
    """Apply the confidential and small-cell rules to one strategy.

    Returns None when the whole strategy is confidential and confidential content was not
    asked for. Otherwise confidential sources, the findings that rest on them, confidential notes
    and attachments are removed (unless included), and small person counts are listed in
    ``suppressed``. Small counts are suppressed even when confidential content is included: that
    choice shares confidential material, not identifiable individuals.
    """
    if detail.strategy.confidential and not disclosure.include_confidential:
        return None
    omitted = 0
    sources = detail.sources
    notes = detail.notes
    attachments = detail.attachments
    hidden_sources: set[uuid.UUID] = set()
    if not disclosure.include_confidential:
        hidden_sources = {s.uid for s in sources if s.confidential}
        omitted += len(hidden_sources)
        sources = tuple(s for s in sources if not s.confidential)
        omitted += sum(1 for n in notes if n.confidential)
        notes = tuple(n for n in notes if not n.confidential)
        omitted += sum(1 for a in attachments if a.confidential)
        attachments = tuple(a for a in attachments if not a.confidential)
    k = disclosure.small_cell_k
    suppressed: set[tuple[uuid.UUID, str]] = set()
    outcomes = []
    for od in detail.outcomes:
        findings = tuple(f for f in od.findings if f.source_uid not in hidden_sources)
        omitted += len(od.findings) - len(findings)
        rating = _redact_rating(od.rating, {str(u) for u in hidden_sources})
        indicators = []
        for ind in od.indicators:
            i = ind.indicator
            if i.person_count:
                for name in ("baseline_value", "target_value"):
                    if is_small(getattr(i, name), k):
                        suppressed.add((i.uid, name))
                for m in ind.measurements:
                    if is_small(m.value, k):
                        suppressed.add((m.uid, "value"))
            indicators.append(IndicatorDetail(i, ind.measurements))
        outcomes.append(replace(od, findings=findings, indicators=tuple(indicators), rating=rating))
    redacted = replace(
        detail,
        sources=sources,
        notes=notes,
        attachments=attachments,
        outcomes=tuple(outcomes),
    )
    return RedactedDetail(redacted, disclosure, frozenset(suppressed), omitted)
