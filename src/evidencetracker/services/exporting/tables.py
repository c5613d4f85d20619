"""The tables of a spreadsheet export, built from records through the privacy rules.

Every strategy passes through ``privacy.redact_detail`` (the one place for the confidential and
small-cell rules); person counts below k print as "fewer than k".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from evidencetracker.domain.privacy import Disclosure, format_count, redact_detail

_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "'")

STRATEGY_COLUMNS = (
    "uid",
    "version",
    "title",
    "summary",
    "description",
    "partnership_type",
    "focus",
    "sectors",
    "geography",
    "period_start",
    "period_end",
    "status",
    "cost_amount",
    "cost_currency",
    "confidential",
    "tags",
    "partners",
    "headline_level",
    "headline_certainty",
    "harm_flag",
)
OUTCOME_COLUMNS = (
    "uid",
    "version",
    "strategy_uid",
    "strategy_title",
    "title",
    "description",
    "level",
    "focus",
    "primary",
    "rating",
)
INDICATOR_COLUMNS = (
    "uid",
    "version",
    "outcome_uid",
    "name",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "person_count",
    "notes",
)
MEASUREMENT_COLUMNS = (
    "uid",
    "version",
    "indicator_uid",
    "indicator_name",
    "period",
    "period_start",
    "period_end",
    "value",
    "notes",
)
SOURCE_COLUMNS = (
    "uid",
    "version",
    "source_type",
    "title",
    "authors",
    "year",
    "publisher",
    "doi",
    "url",
    "abstract",
    "design",
    "evaluator_independent",
    "sample_size",
    "sample_group",
    "setting",
    "follow_up_months",
    "concern_attrition",
    "concern_baseline",
    "concern_measure",
    "indirect",
    "reviewer",
    "review_date",
    "notes",
    "confidential",
    "tags",
)
FINDING_COLUMNS = (
    "uid",
    "version",
    "source_uid",
    "outcome_uid",
    "direction",
    "significant",
    "effect_size",
    "effect_size_type",
    "follow_up_months",
    "notes",
)
TABLE_COLUMNS = {
    "strategies": STRATEGY_COLUMNS,
    "outcomes": OUTCOME_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "measurements": MEASUREMENT_COLUMNS,
    "evidence_sources": SOURCE_COLUMNS,
    "findings": FINDING_COLUMNS,
}


def cell_text(value: Any) -> str:
    """A value as spreadsheet text: enum values, codes joined by commas, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, tuple | list):
        return ",".join(cell_text(v) for v in value)
    return str(value)


def neutralise(text: str) -> str:
    """Guard against spreadsheet formula injection: prefix ' to a cell starting with a trigger.

    Plain numbers ("-0.25") are left as they are: they cannot be formulas. A leading ' is
    itself escaped, so the import's ``restore_neutralised`` gives back exactly the original.
    """
    if text and text.startswith(_TRIGGERS) and not _NUMBER.match(text):
        return "'" + text
    return text


def _record_row(record: Any, columns: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    row = {c: getattr(record, c, None) for c in columns}
    row.update(extra)
    return row


def collect(
    strategy_uids: list[Any],
    detail_of: Callable[[Any], Any],
    all_sources: list[Any],
    disclosure: Disclosure,
) -> Iterator[tuple[str, dict[str, Any]] | int]:
    """Yield (table, row) pairs, and after each strategy the count done (for progress)."""
    k = disclosure.small_cell_k
    for n, uid in enumerate(strategy_uids, start=1):
        redacted = redact_detail(detail_of(uid), disclosure)
        if redacted is None:
            yield n
            continue
        d = redacted.detail
        s = d.strategy
        partners = "; ".join(f"{p.organisation_name} ({p.role.value})" for p in d.partners)
        yield (
            "strategies",
            _record_row(s, STRATEGY_COLUMNS, partners=partners, tags="; ".join(s.tags)),
        )
        for od in d.outcomes:
            o = od.outcome
            rating = od.rating.effective_level if od.rating else None
            yield (
                "outcomes",
                _record_row(
                    o, OUTCOME_COLUMNS, strategy_uid=s.uid, strategy_title=s.title, rating=rating
                ),
            )
            for ind in od.indicators:
                i = ind.indicator
                row = _record_row(i, INDICATOR_COLUMNS)
                for name in ("baseline_value", "target_value"):
                    if redacted.is_suppressed(i.uid, name):
                        row[name] = format_count(
                            getattr(i, name), person_count=True, k=k, suppress=True
                        )
                yield "indicators", row
                for m in ind.measurements:
                    row = _record_row(m, MEASUREMENT_COLUMNS, indicator_name=i.name)
                    if redacted.is_suppressed(m.uid, "value"):
                        row["value"] = format_count(m.value, person_count=True, k=k, suppress=True)
                    yield "measurements", row
            for f in od.findings:
                yield "findings", _record_row(f, FINDING_COLUMNS)
        yield n
    for src in all_sources:
        if src.confidential and not disclosure.include_confidential:
            continue
        yield "evidence_sources", _record_row(src, SOURCE_COLUMNS, tags="; ".join(src.tags))
