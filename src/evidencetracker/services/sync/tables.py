"""Which tables travel in a merge, and how each column becomes a portable JSON value.

A record travels as the JSON values of its fields, with every foreign key replaced by the
``uid`` of the row it points to, so the same record compares equal in any copy of the
database (SQLite or PostgreSQL) whatever its local integer ids.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Integer, LargeBinary, Numeric, Table, Uuid
from sqlalchemy import Enum as SAEnum

from evidencetracker.db import models as M
from evidencetracker.db.types import CodeSet, UTCDateTime

# Parents before children, so inserts can run in this order and deletes in reverse.
SYNCED_MODELS: tuple[type, ...] = (
    M.Organisation,
    M.Tag,
    M.Strategy,
    M.EvidenceSource,
    M.Partner,
    M.Outcome,
    M.Indicator,
    M.Measurement,
    M.StrategySource,
    M.Finding,
    M.ExternalRating,
    M.Note,
    M.Attachment,
    M.RatingOverride,
    M.ComparisonSet,
)
# Derived columns: recomputed by the rubric in each database, never merged.
DERIVED = {"strategies": {"headline_level", "headline_certainty", "harm_flag"}}
# Bookkeeping columns every record has; they travel beside the fields, not as fields.
BOOKKEEPING = {"id", "uid", "version", "updated_at"}
# Many-to-many links without identity of their own travel as a field of their owner.
TAG_LINKS = {"strategies": M.strategy_tags, "evidence_sources": M.source_tags}
TAGS_FIELD = "tags"
# Which foreign key leads from a record towards its strategy (for conflicts and ratings).
STRATEGY_PATH = {
    "partners": "strategy_id",
    "outcomes": "strategy_id",
    "indicators": "outcome_id",
    "measurements": "indicator_id",
    "strategy_sources": "strategy_id",
    "findings": "outcome_id",
    "external_ratings": "strategy_id",
    "notes": "strategy_id",
    "attachments": "strategy_id",
    "rating_overrides": "outcome_id",
}
TITLE_FIELDS = ("title", "name", "filename", "rating", "period", "body", "role", "direction")


@dataclass(frozen=True)
class ColumnSpec:
    """One merged column: its name, SQL type and, for a foreign key, the table it points to."""

    name: str
    type_: Any
    parent: str | None
    ondelete: str | None


@dataclass(frozen=True)
class TableSpec:
    name: str
    table: Table
    columns: tuple[ColumnSpec, ...]
    has_tags: bool

    @property
    def field_names(self) -> tuple[str, ...]:
        names = tuple(c.name for c in self.columns)
        return (*names, TAGS_FIELD) if self.has_tags else names

    def column(self, name: str) -> ColumnSpec | None:
        return next((c for c in self.columns if c.name == name), None)


def _spec(model: type) -> TableSpec:
    table: Table = model.__table__
    derived = DERIVED.get(table.name, set())
    columns = []
    for col in table.columns:
        if col.name in BOOKKEEPING or col.name in derived:
            continue
        fk = next(iter(col.foreign_keys), None)
        columns.append(
            ColumnSpec(
                col.name,
                col.type,
                fk.column.table.name if fk is not None else None,
                (fk.ondelete or "NO ACTION").upper() if fk is not None else None,
            )
        )
    return TableSpec(table.name, table, tuple(columns), table.name in TAG_LINKS)


SPECS: dict[str, TableSpec] = {m.__tablename__: _spec(m) for m in SYNCED_MODELS}
ORDER: tuple[str, ...] = tuple(SPECS)


def encode(spec: ColumnSpec, value: Any) -> Any:
    """A column value as portable, canonical JSON (foreign keys are handled by the caller)."""
    if value is None:
        return None
    t = spec.type_
    if isinstance(t, CodeSet):
        return sorted(str(v) for v in value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(t, UTCDateTime) or isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        scale = getattr(t, "scale", None)
        if scale is not None:
            value = value.quantize(Decimal(1).scaleb(-scale))
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(t, Float):
        return float(value)
    return value


def decode(spec: ColumnSpec, value: Any) -> Any:
    """The Python value to bind for a column, from its portable JSON form."""
    if value is None:
        return None
    t = spec.type_
    if isinstance(t, CodeSet):
        return tuple(value)
    if isinstance(t, SAEnum) and t.enum_class is not None:
        return t.enum_class(value)
    if isinstance(t, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(t, Date):
        return date.fromisoformat(value)
    if isinstance(t, Numeric) and not isinstance(t, Float):
        return Decimal(value)
    if isinstance(t, Uuid):
        return uuid.UUID(value)
    if isinstance(t, LargeBinary):
        return base64.b64decode(value)
    if isinstance(t, Boolean):
        return bool(value)
    if isinstance(t, Integer) and not isinstance(t, Boolean):
        return int(value)
    if isinstance(t, JSON):
        return value
    return value


def title_of(table: str, fields: dict[str, Any]) -> str:
    """A short human label for a record, for the conflicts list."""
    for name in TITLE_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and value:
            return value[:120]
    return table
