"""Generic create, update, delete, restore and purge, shared by every entity's service.

Each entity is described once by a ``Kind``; these functions do the bookkeeping the whole app
relies on: validation through the schema, the version check that turns a concurrent edit into a
conflict, the audit trail, trash for deletable aggregates, and tombstones for purged records.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from evidencetracker.db.base import utcnow
from evidencetracker.db.models import AuditEntry, Strategy, Tombstone
from evidencetracker.domain.errors import ConflictError, FieldConflict, NotFoundError
from evidencetracker.domain.fields import Field, Rule, clean
from evidencetracker.services.context import touch


@dataclass(frozen=True)
class Kind:
    """How one entity is stored, validated, shown as a record and tied to its strategy."""

    entity: str
    model: type
    fields: tuple[Field, ...]
    record: type
    rules: tuple[Rule, ...] = ()
    trashable: bool = False
    extras: Callable[[Any], dict] = field(default=lambda row: {})
    strategy_of: Callable[[Any], Strategy | None] = field(default=lambda row: None)
    title_of: Callable[[Any], str] = field(default=lambda row: "")


def parse_uid(value: Any, entity: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise NotFoundError(entity, value) from None


def load(session: Session, kind: Kind, uid: Any, *, include_deleted: bool = False) -> Any:
    """The row with this uid, or NotFoundError (also for trashed rows unless asked for)."""
    key = parse_uid(uid, kind.entity)
    row = session.scalar(select(kind.model).where(kind.model.uid == key))
    if row is None or (kind.trashable and row.deleted_at is not None and not include_deleted):
        raise NotFoundError(kind.entity, uid)
    return row


def values_of(kind: Kind, row: Any) -> dict[str, Any]:
    return {f.name: getattr(row, f.name) for f in kind.fields}


def to_record(kind: Kind, row: Any) -> Any:
    return kind.record(
        uid=row.uid,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        **values_of(kind, row),
        **({"deleted_at": row.deleted_at} if kind.trashable else {}),
        **kind.extras(row),
    )


def jsonable(value: Any) -> Any:
    """A value as it is written in the audit trail and in bundles."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def audit(
    session: Session,
    kind_name: str,
    action: str,
    row: Any,
    strategy: Strategy | None,
    author: str,
    summary: str,
    changes: Mapping[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            author=author,
            action=action,
            entity_type=kind_name,
            entity_uid=row.uid,
            strategy_uid=strategy.uid if strategy is not None else None,
            summary=summary,
            changes=jsonable(dict(changes or {})),
        )
    )
    touch(session, kind_name, strategy)


def create(
    session: Session, kind: Kind, values: Mapping[str, Any], actor: str, **links: Any
) -> Any:
    """Validate and insert a row; ``links`` set foreign keys or relationships (not validated)."""
    cleaned = clean(kind.fields, values, rules=kind.rules)
    row = kind.model(**cleaned, **links)
    if row.uid is None:
        row.uid = uuid.uuid4()
    session.add(row)
    session.flush()
    audit(
        session,
        kind.entity,
        "create",
        row,
        kind.strategy_of(row),
        actor,
        f"Created {kind.entity} '{kind.title_of(row)}'",
        cleaned,
    )
    return row


def _conflicts(kind: Kind, row: Any, changes: Mapping[str, Any]) -> list[FieldConflict]:
    try:
        wanted = clean(kind.fields, changes, current=values_of(kind, row), rules=())
    except Exception:  # invalid input still deserves a conflict report, as typed
        wanted = dict(changes)
    return [
        FieldConflict(name, value, getattr(row, name))
        for name, value in wanted.items()
        if hasattr(row, name) and getattr(row, name) != value
    ]


def update(
    session: Session,
    kind: Kind,
    uid: Any,
    expected_version: int,
    changes: Mapping[str, Any],
    author: str,
) -> Any:
    """Apply field changes to a record last read at ``expected_version``.

    Raises:
        ConflictError: the record has been changed since; nothing is written.
        ValidationError: a changed field, or the record as a whole, is invalid.
    """
    row = load(session, kind, uid)
    if row.version != expected_version:
        raise ConflictError(
            kind.entity,
            row.uid,
            expected_version,
            row.version,
            _conflicts(kind, row, changes),
            to_record(kind, row),
        )
    cleaned = clean(kind.fields, changes, current=values_of(kind, row), rules=kind.rules)
    diff = {
        name: {"from": getattr(row, name), "to": value}
        for name, value in cleaned.items()
        if getattr(row, name) != value
    }
    if not diff:
        return row
    for name, change in diff.items():
        setattr(row, name, change["to"])
    try:
        session.flush()
    except StaleDataError:
        # Another writer committed between our read and our write.
        raise ConflictError(
            kind.entity, row.uid, expected_version, expected_version + 1, [], None
        ) from None
    audit(
        session,
        kind.entity,
        "update",
        row,
        kind.strategy_of(row),
        author,
        f"Changed {', '.join(diff)} of {kind.entity} '{kind.title_of(row)}'",
        diff,
    )
    return row


def trash(session: Session, kind: Kind, uid: Any, author: str) -> Any:
    """Move a record to the Trash: hidden everywhere, restorable until purged."""
    row = load(session, kind, uid)
    row.deleted_at = utcnow()
    session.flush()
    audit(
        session,
        kind.entity,
        "delete",
        row,
        kind.strategy_of(row),
        author,
        f"Moved {kind.entity} '{kind.title_of(row)}' to the Trash",
    )
    return row


def restore(session: Session, kind: Kind, uid: Any, author: str) -> Any:
    row = load(session, kind, uid, include_deleted=True)
    if row.deleted_at is None:
        return row
    row.deleted_at = None
    session.flush()
    audit(
        session,
        kind.entity,
        "restore",
        row,
        kind.strategy_of(row),
        author,
        f"Restored {kind.entity} '{kind.title_of(row)}' from the Trash",
    )
    return row


def _cascade_children(row: Any) -> list[Any]:
    """Every row the ORM would delete along with ``row`` (its delete-cascade descendants)."""
    found: list[Any] = []
    for rel in inspect(row).mapper.relationships:
        if not rel.cascade.delete:
            continue
        value = getattr(row, rel.key)
        children = value if isinstance(value, list) else ([value] if value is not None else [])
        for child in children:
            found.append(child)
            found.extend(_cascade_children(child))
    return found


def purge(session: Session, kind: Kind, uid: Any, author: str) -> None:
    """Delete a record and its dependants for good, leaving a tombstone for each.

    Tombstones let a later merge know the records were deleted rather than never seen.
    """
    row = load(session, kind, uid, include_deleted=True)
    strategy = kind.strategy_of(row)
    doomed = [row, *_cascade_children(row)]
    now = utcnow()
    for item in doomed:
        if hasattr(item, "uid") and hasattr(item, "version"):
            session.add(
                Tombstone(
                    entity_type=type(item).__tablename__,
                    entity_uid=item.uid,
                    last_version=item.version,
                    deleted_at=now,
                    author=author,
                )
            )
    audit(
        session,
        kind.entity,
        "purge",
        row,
        strategy if strategy is not row else None,
        author,
        f"Deleted {kind.entity} '{kind.title_of(row)}' permanently",
    )
    session.delete(row)
    session.flush()
