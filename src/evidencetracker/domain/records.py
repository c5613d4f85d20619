"""Immutable records that services hand out: plain values, never live database objects.

Each record type is built from the entity's field declarations in ``schema.py`` plus the
bookkeeping every record carries, so a field added to the schema appears in its record too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields, make_dataclass
from datetime import datetime
from typing import Any

from evidencetracker.domain import enums as E
from evidencetracker.domain import schema
from evidencetracker.domain.fields import Field

_BOOKKEEPING = [
    ("uid", uuid.UUID),
    ("version", int),
    ("created_at", datetime),
    ("updated_at", datetime),
]


def _record(name: str, specs: tuple[Field, ...], *extra: tuple[str, Any, Any]) -> type:
    attrs = [(n, t) for n, t in _BOOKKEEPING]
    attrs += [(f.name, Any, field(default=None)) for f in specs]
    attrs += [(n, t, field(default=d)) for n, t, d in extra]
    cls = make_dataclass(name, attrs, frozen=True)
    cls.__module__ = __name__
    cls.__doc__ = f"{name}: the declared fields of its entity, plus uid, version and timestamps."
    return cls


StrategyRecord = _record(
    "StrategyRecord",
    schema.STRATEGY,
    ("is_sample", bool, False),
    ("deleted_at", Any, None),
    ("headline_level", E.RatingLevel, E.RatingLevel.NOT_RATED),
    ("headline_certainty", Any, None),
    ("harm_flag", bool, False),
    ("tags", tuple, ()),
)
OrganisationRecord = _record("OrganisationRecord", schema.ORGANISATION)
PartnerRecord = _record(
    "PartnerRecord",
    schema.PARTNER,
    ("strategy_uid", Any, None),
    ("organisation_uid", Any, None),
    ("organisation_name", str, ""),
    ("organisation_type", Any, None),
)
OutcomeRecord = _record(
    "OutcomeRecord", schema.OUTCOME, ("strategy_uid", Any, None), ("deleted_at", Any, None)
)
IndicatorRecord = _record("IndicatorRecord", schema.INDICATOR, ("outcome_uid", Any, None))
MeasurementRecord = _record("MeasurementRecord", schema.MEASUREMENT, ("indicator_uid", Any, None))
EvidenceSourceRecord = _record(
    "EvidenceSourceRecord",
    schema.EVIDENCE_SOURCE,
    ("deleted_at", Any, None),
    ("tags", tuple, ()),
)
FindingRecord = _record(
    "FindingRecord", schema.FINDING, ("source_uid", Any, None), ("outcome_uid", Any, None)
)
ExternalRatingRecord = _record(
    "ExternalRatingRecord", schema.EXTERNAL_RATING, ("strategy_uid", Any, None)
)
NoteRecord = _record("NoteRecord", schema.NOTE, ("strategy_uid", Any, None), ("author", str, ""))
AttachmentRecord = _record(
    "AttachmentRecord",
    schema.ATTACHMENT,
    ("strategy_uid", Any, None),
    ("source_uid", Any, None),
    ("size", int, 0),
    ("sha256", str, ""),
)
RatingOverrideRecord = _record(
    "RatingOverrideRecord",
    schema.RATING_OVERRIDE,
    ("outcome_uid", Any, None),
    ("reviewer", str, ""),
    ("computed_level", Any, None),
    ("active", bool, True),
)


def record_field_names(record_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_type))


@dataclass(frozen=True)
class OutcomeRatingRecord:
    """The rubric's computed rating of an outcome, with the override in force if any."""

    level: E.RatingLevel
    certainty: E.Certainty | None
    rule: str
    trace: str
    studies: tuple[dict, ...]
    rubric_version: int
    computed_at: datetime | None
    override: Any = None  # RatingOverrideRecord

    @property
    def effective_level(self) -> E.RatingLevel:
        return self.override.level if self.override else self.level

    @property
    def effective_certainty(self) -> E.Certainty | None:
        return self.override.certainty if self.override else self.certainty


@dataclass(frozen=True)
class IndicatorDetail:
    indicator: Any  # IndicatorRecord
    measurements: tuple = ()


@dataclass(frozen=True)
class OutcomeDetail:
    outcome: Any  # OutcomeRecord
    indicators: tuple[IndicatorDetail, ...] = ()
    findings: tuple = ()  # FindingRecord
    rating: OutcomeRatingRecord | None = None
    overrides: tuple = ()  # RatingOverrideRecord, oldest first


@dataclass(frozen=True)
class StrategyDetail:
    """A strategy with everything attached to it, as one consistent snapshot."""

    strategy: Any  # StrategyRecord
    partners: tuple = ()
    outcomes: tuple[OutcomeDetail, ...] = ()
    sources: tuple = ()  # EvidenceSourceRecord, the sources linked to the strategy
    external_ratings: tuple = ()
    notes: tuple = ()
    attachments: tuple = ()


@dataclass(frozen=True)
class StrategySummary:
    """One row of the strategy browser."""

    uid: uuid.UUID
    title: str
    partnership_type: E.PartnershipType
    focus: tuple[str, ...]
    geography: tuple[str, ...]
    status: E.StrategyStatus
    headline_level: E.RatingLevel
    headline_certainty: E.Certainty | None
    harm_flag: bool
    source_count: int
    updated_at: datetime
    confidential: bool
    is_sample: bool
    version: int


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    author: str
    action: str
    entity_type: str
    entity_uid: uuid.UUID
    summary: str
    changes: dict


@dataclass(frozen=True)
class TrashItem:
    entity_type: str
    uid: uuid.UUID
    title: str
    deleted_at: datetime
    strategy_title: str = ""
