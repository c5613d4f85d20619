"""The data model of DOMAIN.md as typed SQLAlchemy 2 models."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evidencetracker.db.base import Base, RecordMixin, utcnow
from evidencetracker.db.types import CodeSet, UTCDateTime
from evidencetracker.domain import enums as E


def enum_column(enum_cls: type, **kw):
    """An enum stored as its value in a VARCHAR, portable between SQLite and PostgreSQL."""
    return mapped_column(
        SAEnum(
            enum_cls,
            native_enum=False,
            create_constraint=False,
            length=40,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kw,
    )


strategy_tags = Table(
    "strategy_tags",
    Base.metadata,
    Column("strategy_id", ForeignKey("strategies.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

source_tags = Table(
    "source_tags",
    Base.metadata,
    Column("source_id", ForeignKey("evidence_sources.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Strategy(RecordMixin, Base):
    __tablename__ = "strategies"

    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    partnership_type: Mapped[E.PartnershipType] = enum_column(E.PartnershipType)
    focus: Mapped[tuple[str, ...]] = mapped_column(CodeSet, default=())
    sectors: Mapped[tuple[str, ...]] = mapped_column(CodeSet, default=())
    geography: Mapped[tuple[str, ...]] = mapped_column(CodeSet, default=())
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[E.StrategyStatus] = enum_column(E.StrategyStatus)
    cost_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Cached results of the rubric, so the browser can sort and filter by rating in SQL.
    headline_level: Mapped[E.RatingLevel] = enum_column(
        E.RatingLevel, default=E.RatingLevel.NOT_RATED
    )
    headline_certainty: Mapped[E.Certainty | None] = enum_column(E.Certainty, nullable=True)
    harm_flag: Mapped[bool] = mapped_column(Boolean, default=False)

    partners: Mapped[list[Partner]] = relationship(
        back_populates="strategy", cascade="all, delete-orphan", passive_deletes=True
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="strategy",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Outcome.id",
    )
    source_links: Mapped[list[StrategySource]] = relationship(
        back_populates="strategy", cascade="all, delete-orphan", passive_deletes=True
    )
    external_ratings: Mapped[list[ExternalRating]] = relationship(
        back_populates="strategy", cascade="all, delete-orphan", passive_deletes=True
    )
    notes: Mapped[list[Note]] = relationship(
        back_populates="strategy", cascade="all, delete-orphan", passive_deletes=True
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="strategy", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[Tag]] = relationship(secondary=strategy_tags, order_by="Tag.name")

    __table_args__ = (
        Index("ix_strategies_title", "title"),
        Index("ix_strategies_updated_at", "updated_at"),
        # Every facet and sort key of the browser (migration 0005): its counts and pages are
        # read from this index, not from the wide rows (docs/performance.md).
        Index(
            "ix_strategies_browser",
            "deleted_at",
            "title",
            "partnership_type",
            "status",
            "headline_level",
            "focus",
            "geography",
            "updated_at",
        ),
    )


class Organisation(RecordMixin, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(300), unique=True)
    org_type: Mapped[E.OrganisationType] = enum_column(E.OrganisationType)
    country: Mapped[str | None] = mapped_column(String(10))
    website: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str] = mapped_column(Text, default="")


class Partner(RecordMixin, Base):
    """An organisation taking part in a strategy, in a role."""

    __tablename__ = "partners"

    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[E.PartnerRole] = enum_column(E.PartnerRole)
    notes: Mapped[str] = mapped_column(Text, default="")

    strategy: Mapped[Strategy] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("strategy_id", "organisation_id", "role"),)


class Outcome(RecordMixin, Base):
    __tablename__ = "outcomes"

    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[E.OutcomeLevel] = enum_column(E.OutcomeLevel)
    focus: Mapped[E.Focus] = enum_column(E.Focus)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    strategy: Mapped[Strategy] = relationship(back_populates="outcomes")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="outcome",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Indicator.id",
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", passive_deletes=True
    )
    rating: Mapped[OutcomeRating | None] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", passive_deletes=True
    )
    overrides: Mapped[list[RatingOverride]] = relationship(
        back_populates="outcome",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RatingOverride.id",
    )


class Indicator(RecordMixin, Base):
    __tablename__ = "indicators"

    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcomes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60), default="")
    direction: Mapped[E.DesiredDirection] = enum_column(E.DesiredDirection)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[date | None] = mapped_column(Date)
    person_count: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    outcome: Mapped[Outcome] = relationship(back_populates="indicators")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="indicator",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Measurement.period_start, Measurement.period)",
    )


class Measurement(RecordMixin, Base):
    """One indicator value for one reporting period."""

    __tablename__ = "measurements"

    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    disaggregation: Mapped[dict | None] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")

    __table_args__ = (UniqueConstraint("indicator_id", "period"),)


class EvidenceSource(RecordMixin, Base):
    """A study or other source of evidence, with its citation and appraisal."""

    __tablename__ = "evidence_sources"

    source_type: Mapped[E.SourceType] = enum_column(E.SourceType)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer)
    publisher: Mapped[str] = mapped_column(Text, default="")
    doi: Mapped[str | None] = mapped_column(String(200), index=True)
    url: Mapped[str | None] = mapped_column(String(1000))
    abstract: Mapped[str] = mapped_column(Text, default="")
    design: Mapped[E.StudyDesign | None] = enum_column(E.StudyDesign, nullable=True)
    evaluator_independent: Mapped[bool | None] = mapped_column(Boolean)
    sample_size: Mapped[int | None] = mapped_column(Integer)
    sample_group: Mapped[str | None] = mapped_column(String(200))
    setting: Mapped[str] = mapped_column(Text, default="")
    follow_up_months: Mapped[int | None] = mapped_column(Integer)
    concern_attrition: Mapped[bool] = mapped_column(Boolean, default=False)
    concern_baseline: Mapped[bool] = mapped_column(Boolean, default=False)
    concern_measure: Mapped[bool] = mapped_column(Boolean, default=False)
    indirect: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    findings: Mapped[list[Finding]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )
    strategy_links: Mapped[list[StrategySource]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[Tag]] = relationship(secondary=source_tags, order_by="Tag.name")


class StrategySource(RecordMixin, Base):
    """An evidence source attached to a strategy (a study may inform several strategies)."""

    __tablename__ = "strategy_sources"

    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_sources.id", ondelete="CASCADE"), index=True
    )

    strategy: Mapped[Strategy] = relationship(back_populates="source_links")
    source: Mapped[EvidenceSource] = relationship(back_populates="strategy_links")

    __table_args__ = (UniqueConstraint("strategy_id", "source_id"),)


class Finding(RecordMixin, Base):
    """What one study found on one outcome."""

    __tablename__ = "findings"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_sources.id", ondelete="CASCADE"), index=True
    )
    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcomes.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[E.FindingDirection] = enum_column(E.FindingDirection)
    significant: Mapped[bool] = mapped_column(Boolean, default=False)
    effect_size: Mapped[float | None] = mapped_column(Float)
    effect_size_type: Mapped[E.EffectSizeType | None] = enum_column(E.EffectSizeType, nullable=True)
    follow_up_months: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")

    source: Mapped[EvidenceSource] = relationship(back_populates="findings")
    outcome: Mapped[Outcome] = relationship(back_populates="findings")


class ExternalRating(RecordMixin, Base):
    """A rating given by a clearinghouse or another body; shown beside ours, never fed into it."""

    __tablename__ = "external_ratings"

    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[E.ExternalRatingSource] = enum_column(E.ExternalRatingSource)
    rating: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    rated_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    strategy: Mapped[Strategy] = relationship(back_populates="external_ratings")


class Tag(RecordMixin, Base):
    """A tag; ``parent_id`` lets imported code sets (EPPI-Reviewer) keep their hierarchy."""

    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("name", "parent_id"),)


class Note(RecordMixin, Base):
    __tablename__ = "notes"

    strategy_id: Mapped[int] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)

    strategy: Mapped[Strategy] = relationship(back_populates="notes")


class Attachment(RecordMixin, Base):
    """A file kept inside the database, attached to a strategy or to an evidence source."""

    __tablename__ = "attachments"

    strategy_id: Mapped[int | None] = mapped_column(
        ForeignKey("strategies.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_sources.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(200), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Deferred: listing attachments must not read every file's bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    strategy: Mapped[Strategy | None] = relationship(back_populates="attachments")
    source: Mapped[EvidenceSource | None] = relationship(back_populates="attachments")


class OutcomeRating(Base):
    """The rubric's latest computed rating of an outcome (derived data, recomputed on change)."""

    __tablename__ = "outcome_ratings"

    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True
    )
    rubric_version: Mapped[int] = mapped_column(Integer)
    level: Mapped[E.RatingLevel] = enum_column(E.RatingLevel)
    certainty: Mapped[E.Certainty | None] = enum_column(E.Certainty, nullable=True)
    rule: Mapped[str] = mapped_column(String(60))
    trace: Mapped[str] = mapped_column(Text)
    studies: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outcome: Mapped[Outcome] = relationship(back_populates="rating")


class RatingOverride(RecordMixin, Base):
    """A reviewer's override of a computed rating; the computed one is kept beside it."""

    __tablename__ = "rating_overrides"

    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcomes.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[E.RatingLevel] = enum_column(E.RatingLevel)
    certainty: Mapped[E.Certainty | None] = enum_column(E.Certainty, nullable=True)
    justification: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    computed_level: Mapped[E.RatingLevel] = enum_column(E.RatingLevel)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    outcome: Mapped[Outcome] = relationship(back_populates="overrides")


class AuditEntry(Base):
    """Who changed what, when: one row per create, update, delete, restore or purge."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    author: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_uid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    strategy_uid: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)


class Tombstone(Base):
    """A permanently deleted record, kept so that a merge never brings it back."""

    __tablename__ = "tombstones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    last_version: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(200), default="")


class ComparisonSet(RecordMixin, Base):
    """A saved side-by-side comparison of 2 to 6 strategies."""

    __tablename__ = "comparison_sets"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    strategy_uids: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")


# --- Sync and merge (services/sync): replica identity, per-peer bases, recorded conflicts ---


class SyncReplica(Base):
    """This database's identity in merges: one row, created on first use."""

    __tablename__ = "sync_replica"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    replica_uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncPeer(Base):
    """Another database this one has exchanged changes with (team database or bundle sender)."""

    __tablename__ = "sync_peers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    name: Mapped[str] = mapped_column(String(500), default="")
    last_exchange_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exchanges: Mapped[int] = mapped_column(Integer, default=0)


class SyncBase(Base):
    """A record as it was when this database and a peer last agreed on it: the merge ancestor."""

    __tablename__ = "sync_bases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_uid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_uid: Mapped[uuid.UUID] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("peer_uid", "entity_uid"),)


class SyncConflict(Base):
    """Two different values for one field (or a delete against an edit), kept for a person.

    ``uid`` is derived from the record, the field and the two candidate values, so every
    database that meets the same disagreement records the same conflict once.
    """

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_uid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    strategy_uid: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    field: Mapped[str] = mapped_column(String(80))
    base_value: Mapped[dict | None] = mapped_column(JSON)
    value_a: Mapped[dict] = mapped_column(JSON)
    origin_a: Mapped[dict] = mapped_column(JSON)
    value_b: Mapped[dict] = mapped_column(JSON)
    origin_b: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    resolution: Mapped[dict | None] = mapped_column(JSON)
    resolved_by: Mapped[str] = mapped_column(String(200), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
