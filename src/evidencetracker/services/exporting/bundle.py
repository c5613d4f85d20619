"""The JSON bundle: every record with its uid and version, attachments in base64, tags, and
optionally the audit trail; imports back into an empty database to an identical state.

The format is documented in docs/data-formats.md. Rows are written table by table in a fixed
order, each sorted by uid, with foreign keys replaced by the referenced record's uid, so two
exports of the same state are byte-identical apart from ``exported_at``.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Date, LargeBinary, Numeric, Table, Uuid, insert, select, update
from sqlalchemy.orm import Session

from evidencetracker.atomic import write_atomic
from evidencetracker.db import models as M
from evidencetracker.db.types import CodeSet, UTCDateTime
from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.domain.fields import clean
from evidencetracker.domain.privacy import DEFAULT_SMALL_CELL_K, is_small
from evidencetracker.services import kinds as K
from evidencetracker.services.context import ServiceContext, touch
from evidencetracker.services.ratings import recompute_strategies

FORMAT = "evidencetracker-bundle"
FORMAT_VERSION = 1

# Parents before children. (table name, model)
TABLES: tuple[tuple[str, Any], ...] = (
    ("organisations", M.Organisation),
    ("tags", M.Tag),
    ("strategies", M.Strategy),
    ("partners", M.Partner),
    ("outcomes", M.Outcome),
    ("indicators", M.Indicator),
    ("measurements", M.Measurement),
    ("evidence_sources", M.EvidenceSource),
    ("strategy_sources", M.StrategySource),
    ("findings", M.Finding),
    ("external_ratings", M.ExternalRating),
    ("notes", M.Note),
    ("attachments", M.Attachment),
    ("rating_overrides", M.RatingOverride),
    ("comparison_sets", M.ComparisonSet),
)
LINK_TABLES = (("strategy_tags", M.strategy_tags), ("source_tags", M.source_tags))
# Schema validation on the way in, for the tables users edit.
KINDS = {
    "organisations": K.ORGANISATION,
    "strategies": K.STRATEGY,
    "partners": K.PARTNER,
    "outcomes": K.OUTCOME,
    "indicators": K.INDICATOR,
    "measurements": K.MEASUREMENT,
    "evidence_sources": K.EVIDENCE_SOURCE,
    "findings": K.FINDING,
    "external_ratings": K.EXTERNAL_RATING,
    "notes": K.NOTE,
    "attachments": K.ATTACHMENT,
    "rating_overrides": K.RATING_OVERRIDE,
}


def _table_of(model: Any) -> Table:
    return model if isinstance(model, Table) else model.__table__


def _fk_target(column: Any) -> str | None:
    for fk in column.foreign_keys:
        return fk.column.table.name
    return None


def _encode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(kind, Uuid):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value  # enums
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value, validate=True)
    if isinstance(kind, Uuid):
        return uuid.UUID(str(value))
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Numeric):
        return Decimal(str(value))
    if isinstance(kind, CodeSet):
        return tuple(value)
    return value


def _uid_maps(session: Session) -> dict[str, dict[int, uuid.UUID]]:
    maps = {}
    for name, model in TABLES:
        table = _table_of(model)
        maps[name] = dict(session.execute(select(table.c.id, table.c.uid)).all())
    return maps


def _excluded(session: Session, include_confidential: bool) -> dict[str, set[int]]:
    """Row ids left out of a shareable bundle: confidential records and what hangs off them."""
    out: dict[str, set[int]] = {name: set() for name, _ in TABLES}
    if include_confidential:
        return out
    S, E = M.Strategy, M.EvidenceSource
    out["strategies"] = set(session.scalars(select(S.id).where(S.confidential.is_(True))))
    out["evidence_sources"] = set(session.scalars(select(E.id).where(E.confidential.is_(True))))
    out["notes"] = set(session.scalars(select(M.Note.id).where(M.Note.confidential.is_(True))))
    out["attachments"] = set(
        session.scalars(select(M.Attachment.id).where(M.Attachment.confidential.is_(True)))
    )
    return out


def _skip(name: str, row: Any, out: dict[str, set[int]], outcome_strategy: dict) -> bool:
    hidden_s, hidden_e = out["strategies"], out["evidence_sources"]
    if row.id in out.get(name, ()):
        return True
    strategy_id = getattr(row, "strategy_id", None)
    if strategy_id is not None and strategy_id in hidden_s:
        return True
    source_id = getattr(row, "source_id", None)
    if source_id is not None and source_id in hidden_e:
        return True
    outcome_id = getattr(row, "outcome_id", None)
    return outcome_id is not None and outcome_strategy.get(outcome_id) in hidden_s


def _small_counts(session: Session, k: int) -> tuple[set[int], dict[int, set[str]]]:
    """Person counts below k: measurement ids, and indicator ids with the fields to blank."""
    Ind, Ms = M.Indicator, M.Measurement
    measurements = set(
        session.scalars(
            select(Ms.id)
            .join(Ind, Ind.id == Ms.indicator_id)
            .where(Ind.person_count.is_(True), Ms.value < k)
        )
    )
    indicators: dict[int, set[str]] = {}
    for row in session.execute(
        select(Ind.id, Ind.baseline_value, Ind.target_value).where(Ind.person_count.is_(True))
    ):
        for name in ("baseline_value", "target_value"):
            if is_small(getattr(row, name), k):
                indicators.setdefault(row.id, set()).add(name)
    return measurements, indicators


def build_bundle(
    session: Session,
    *,
    include_confidential: bool = False,
    include_audit: bool = False,
    small_cell_k: int = DEFAULT_SMALL_CELL_K,
) -> dict[str, Any]:
    """Everything in the database as one JSON-ready dict (see docs/data-formats.md).

    Without ``include_confidential`` the bundle is a shareable export: confidential records
    are left out, and so are person counts below ``small_cell_k`` (a measurement below k is
    omitted, a baseline or target below k is blank), as DOMAIN.md requires of every shareable
    export. With it, the bundle is a complete copy, exact counts included.
    """
    maps = _uid_maps(session)
    small_measurements: set[int] = set()
    small_fields: dict[int, set[str]] = {}
    if not include_confidential:
        small_measurements, small_fields = _small_counts(session, small_cell_k)
    out = _excluded(session, include_confidential)
    outcome_strategy = dict(session.execute(select(M.Outcome.id, M.Outcome.strategy_id)).all())
    indicator_outcome = dict(session.execute(select(M.Indicator.id, M.Indicator.outcome_id)).all())
    tables: dict[str, list[dict[str, Any]]] = {}
    kept: dict[str, set[int]] = {}
    for name, model in TABLES:
        table = _table_of(model)
        rows = []
        kept[name] = set()
        for row in session.execute(select(table)):
            if _skip(name, row, out, outcome_strategy):
                continue
            if name == "measurements" and (
                outcome_strategy.get(indicator_outcome.get(row.indicator_id)) in out["strategies"]
                or row.id in small_measurements
            ):
                continue
            record = {}
            for column in table.columns:
                if column.name == "id":
                    continue
                value = getattr(row, column.name)
                target = _fk_target(column)
                if target is not None:
                    key = column.name.removesuffix("_id") + "_uid"
                    record[key] = str(maps[target][value]) if value is not None else None
                else:
                    record[column.name] = _encode(column, value)
            if name == "indicators":
                for blanked in small_fields.get(row.id, ()):
                    record[blanked] = None
            kept[name].add(row.id)
            rows.append(record)
        rows.sort(key=lambda r: r["uid"])
        tables[name] = rows
    for name, link in LINK_TABLES:
        owner_table = "strategies" if name == "strategy_tags" else "evidence_sources"
        owner_col = "strategy_id" if name == "strategy_tags" else "source_id"
        pairs = [
            [str(maps[owner_table][owner]), str(maps["tags"][tag])]
            for owner, tag in session.execute(select(link.c[owner_col], link.c.tag_id))
            if owner in kept[owner_table]
        ]
        tables[name] = sorted(pairs)
    tombstones = [
        {
            "entity_type": t.entity_type,
            "entity_uid": str(t.entity_uid),
            "last_version": t.last_version,
            "deleted_at": _encode(M.Tombstone.__table__.c.deleted_at, t.deleted_at),
            "author": t.author,
        }
        for t in session.scalars(select(M.Tombstone).order_by(M.Tombstone.entity_uid))
    ]
    bundle: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "include_confidential": include_confidential,
        "small_cell_k": None if include_confidential else small_cell_k,
        "tables": tables,
        "tombstones": tombstones,
    }
    if include_audit:
        table = M.AuditEntry.__table__
        bundle["audit"] = [
            {c.name: _encode(c, getattr(a, c.name)) for c in table.columns if c.name != "id"}
            for a in session.execute(select(table).order_by(table.c.id))
        ]
    return bundle


def dumps(bundle: dict[str, Any]) -> bytes:
    return (json.dumps(bundle, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def write_bundle(
    ctx: ServiceContext,
    path: Path,
    *,
    include_confidential: bool = False,
    include_audit: bool = False,
    small_cell_k: int = DEFAULT_SMALL_CELL_K,
) -> Path:
    """Write the database as a JSON bundle, atomically (shareable unless confidential asked)."""
    with ctx.read() as session:
        bundle = build_bundle(
            session,
            include_confidential=include_confidential,
            include_audit=include_audit,
            small_cell_k=small_cell_k,
        )
    return write_atomic(Path(path), dumps(bundle))


def _bad(message: str) -> ValidationError:
    return ValidationError(FieldError("bundle", message))


def load_bundle(path: Path) -> dict[str, Any]:
    try:
        bundle = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _bad(f"{Path(path).name} is not a readable JSON bundle: {exc}") from exc
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise _bad(f"{Path(path).name} is not an EvidenceTracker bundle")
    if bundle.get("version") != FORMAT_VERSION:
        raise _bad(
            f"{Path(path).name} is bundle format version {bundle.get('version')}; this version "
            f"of the app reads version {FORMAT_VERSION}"
        )
    if not isinstance(bundle.get("tables"), dict):
        raise _bad(f"{Path(path).name} has no tables")
    return bundle


def import_bundle(ctx: ServiceContext, path: Path) -> dict[str, int]:
    """Load a bundle in one transaction; returns the number of rows per table.

    Records keep their uids, versions and timestamps. A record whose uid already exists in
    this database stops the import (nothing is written): bundles restore into an empty
    database or add records that are new to it; merging edits is the sync feature's job.
    """
    bundle = load_bundle(path)
    counts: dict[str, int] = {}
    with ctx.write(f"import bundle {Path(path).name}") as session:
        ids: dict[str, dict[str, int]] = {}
        for name, model in TABLES:
            rows = bundle["tables"].get(name, [])
            table = _table_of(model)
            if not isinstance(rows, list):
                raise _bad(f"table '{name}' is not a list")
            uids = [r.get("uid") for r in rows]
            clash = (
                session.scalar(
                    select(table.c.uid).where(table.c.uid.in_([uuid.UUID(u) for u in uids[:10000]]))
                )
                if uids
                else None
            )
            if clash is not None:
                raise _bad(f"{name}: a record with ID {clash} is already in this database")
            ordered = _parents_first(rows) if name == "tags" else rows
            for n, record in enumerate(ordered, start=1):
                values = _row_values(name, table, record, ids, n)
                new_id = session.execute(insert(table).values(**values)).inserted_primary_key[0]
                ids.setdefault(name, {})[record["uid"]] = new_id
            counts[name] = len(rows)
        for name, link in LINK_TABLES:
            owner_table = "strategies" if name == "strategy_tags" else "evidence_sources"
            owner_col = "strategy_id" if name == "strategy_tags" else "source_id"
            pairs = bundle["tables"].get(name, [])
            for owner, tag in pairs:
                session.execute(
                    insert(link).values(
                        {owner_col: ids[owner_table][owner], "tag_id": ids["tags"][tag]}
                    )
                )
            counts[name] = len(pairs)
        for t in bundle.get("tombstones", []):
            session.add(
                M.Tombstone(
                    entity_type=t["entity_type"],
                    entity_uid=uuid.UUID(t["entity_uid"]),
                    last_version=int(t["last_version"]),
                    deleted_at=datetime.fromisoformat(t["deleted_at"]),
                    author=t.get("author", ""),
                )
            )
        audit_table = M.AuditEntry.__table__
        for entry in bundle.get("audit", []):
            session.execute(
                insert(audit_table).values(
                    **{
                        c.name: _decode(c, entry.get(c.name))
                        for c in audit_table.columns
                        if c.name != "id"
                    }
                )
            )
        session.flush()
        # Ratings are derived data: recompute them, keeping each strategy's updated_at as sent.
        strategy_ids = list(ids.get("strategies", {}).values())
        stamps = (
            dict(
                session.execute(
                    select(M.Strategy.id, M.Strategy.updated_at).where(
                        M.Strategy.id.in_(strategy_ids)
                    )
                ).all()
            )
            if strategy_ids
            else {}
        )
        recompute_strategies(session, strategy_ids)
        for strategy_id, stamp in stamps.items():
            session.execute(
                update(M.Strategy.__table__)
                .where(M.Strategy.__table__.c.id == strategy_id)
                .values(updated_at=stamp)
            )
        touch(session, "bundle")
    return counts


def _parents_first(rows: list[dict]) -> list[dict]:
    by_uid = {r["uid"]: r for r in rows}
    done: set[str] = set()
    ordered: list[dict] = []

    def visit(r: dict, depth: int = 0) -> None:
        if r["uid"] in done or depth > 100:
            return
        parent = r.get("parent_uid")
        if parent in by_uid:
            visit(by_uid[parent], depth + 1)
        done.add(r["uid"])
        ordered.append(r)

    for r in rows:
        visit(r)
    return ordered


def _row_values(
    name: str, table: Table, record: dict, ids: dict[str, dict[str, int]], n: int
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    try:
        for column in table.columns:
            if column.name == "id":
                continue
            target = _fk_target(column)
            if target is not None:
                ref = record.get(column.name.removesuffix("_id") + "_uid")
                if ref is None:
                    values[column.name] = None
                    continue
                if ref not in ids.get(target, {}):
                    raise _bad(f"{name} #{n}: refers to {target} {ref}, which is not in the bundle")
                values[column.name] = ids[target][ref]
            elif column.name in record:
                values[column.name] = _decode(column, record[column.name])
        kind = KINDS.get(name)
        if kind is not None:
            given = {f.name: values.get(f.name) for f in kind.fields if f.name in values}
            values.update(clean(kind.fields, given, rules=kind.rules))
    except ValidationError as exc:
        raise _bad(f"{name} #{n} ({record.get('uid')}): {exc}") from exc
    except (ValueError, TypeError, KeyError) as exc:
        raise _bad(f"{name} #{n} ({record.get('uid')}): {exc}") from exc
    return values
