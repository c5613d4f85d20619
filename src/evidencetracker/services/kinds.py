"""The ``Kind`` of every entity: its model, fields, record and the strategy it belongs to."""

from __future__ import annotations

import uuid

from evidencetracker.db import models as M
from evidencetracker.domain import comparison_records as CR
from evidencetracker.domain import records as R
from evidencetracker.domain import schema as S
from evidencetracker.services.crud import Kind

STRATEGY = Kind(
    "strategy",
    M.Strategy,
    S.STRATEGY,
    R.StrategyRecord,
    S.STRATEGY_RULES,
    trashable=True,
    extras=lambda r: {
        "is_sample": r.is_sample,
        "headline_level": r.headline_level,
        "headline_certainty": r.headline_certainty,
        "harm_flag": r.harm_flag,
        "tags": tuple(t.name for t in r.tags),
    },
    strategy_of=lambda r: r,
    title_of=lambda r: r.title,
)
ORGANISATION = Kind(
    "organisation",
    M.Organisation,
    S.ORGANISATION,
    R.OrganisationRecord,
    title_of=lambda r: r.name,
)
PARTNER = Kind(
    "partner",
    M.Partner,
    S.PARTNER,
    R.PartnerRecord,
    extras=lambda r: {
        "strategy_uid": r.strategy.uid,
        "organisation_uid": r.organisation.uid,
        "organisation_name": r.organisation.name,
        "organisation_type": r.organisation.org_type,
    },
    strategy_of=lambda r: r.strategy,
    title_of=lambda r: f"{r.organisation.name} ({r.role.label})",
)
OUTCOME = Kind(
    "outcome",
    M.Outcome,
    S.OUTCOME,
    R.OutcomeRecord,
    trashable=True,
    extras=lambda r: {"strategy_uid": r.strategy.uid},
    strategy_of=lambda r: r.strategy,
    title_of=lambda r: r.title,
)
INDICATOR = Kind(
    "indicator",
    M.Indicator,
    S.INDICATOR,
    R.IndicatorRecord,
    S.INDICATOR_RULES,
    extras=lambda r: {"outcome_uid": r.outcome.uid},
    strategy_of=lambda r: r.outcome.strategy,
    title_of=lambda r: r.name,
)
MEASUREMENT = Kind(
    "measurement",
    M.Measurement,
    S.MEASUREMENT,
    R.MeasurementRecord,
    S.MEASUREMENT_RULES,
    extras=lambda r: {"indicator_uid": r.indicator.uid},
    strategy_of=lambda r: r.indicator.outcome.strategy,
    title_of=lambda r: f"{r.indicator.name} {r.period}",
)
EVIDENCE_SOURCE = Kind(
    "evidence source",
    M.EvidenceSource,
    S.EVIDENCE_SOURCE,
    R.EvidenceSourceRecord,
    trashable=True,
    extras=lambda r: {"tags": tuple(t.name for t in r.tags)},
    title_of=lambda r: r.title,
)
FINDING = Kind(
    "finding",
    M.Finding,
    S.FINDING,
    R.FindingRecord,
    S.FINDING_RULES,
    extras=lambda r: {"source_uid": r.source.uid, "outcome_uid": r.outcome.uid},
    strategy_of=lambda r: r.outcome.strategy,
    title_of=lambda r: f"{r.source.title[:60]} on {r.outcome.title[:60]}",
)
EXTERNAL_RATING = Kind(
    "external rating",
    M.ExternalRating,
    S.EXTERNAL_RATING,
    R.ExternalRatingRecord,
    extras=lambda r: {"strategy_uid": r.strategy.uid},
    strategy_of=lambda r: r.strategy,
    title_of=lambda r: f"{r.source.label}: {r.rating}",
)
NOTE = Kind(
    "note",
    M.Note,
    S.NOTE,
    R.NoteRecord,
    extras=lambda r: {"strategy_uid": r.strategy.uid, "author": r.author},
    strategy_of=lambda r: r.strategy,
    title_of=lambda r: r.body[:60],
)
ATTACHMENT = Kind(
    "attachment",
    M.Attachment,
    S.ATTACHMENT,
    R.AttachmentRecord,
    extras=lambda r: {
        "strategy_uid": r.strategy.uid if r.strategy else None,
        "source_uid": r.source.uid if r.source else None,
        "size": r.size,
        "sha256": r.sha256,
    },
    strategy_of=lambda r: r.strategy,
    title_of=lambda r: r.filename,
)
RATING_OVERRIDE = Kind(
    "rating override",
    M.RatingOverride,
    S.RATING_OVERRIDE,
    R.RatingOverrideRecord,
    extras=lambda r: {
        "outcome_uid": r.outcome.uid,
        "reviewer": r.reviewer,
        "computed_level": r.computed_level,
        "active": r.active,
    },
    strategy_of=lambda r: r.outcome.strategy,
    title_of=lambda r: f"{r.outcome.title}: {r.level.label}",
)
COMPARISON_SET = Kind(
    "comparison set",
    M.ComparisonSet,
    CR.COMPARISON_SET_FIELDS,
    CR.ComparisonSetRecord,
    extras=lambda r: {"strategy_uids": tuple(uuid.UUID(str(u)) for u in r.strategy_uids or ())},
    title_of=lambda r: r.name,
)
