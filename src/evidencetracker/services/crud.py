"""Generic create, update, delete, restore and purge, shared by every entity's service.

Each entity is described once by a ``Kind``; these functions do the bookkeeping the whole app
relies on: validation through the schema, the version check that turns a concurrent edit into a
conflict, the audit trail, trash for deletable aggregates, and tombstones for purged records.
"""

from __future__ import annotations

import itertools
import operator
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Table, bindparam, insert, inspect, select
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


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A value as it is written in the audit trail and in bundles."""
    if type(value) in _PLAIN:  # most values (and enum members are not exactly str)
        return value
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


@dataclass(slots=True)
class NewRecord:
    """One record for ``create_many``.

    ``values`` are the kind's fields, already cleaned through its schema (``clean``);
    ``columns`` the other columns to set, foreign keys first of all; ``view`` is what
    ``kind.title_of`` and ``kind.strategy_of`` read (the values and the parent records as
    attributes, as on a model object), and it receives the new row's ``id``.
    """

    uid: uuid.UUID
    values: Mapping[str, Any]
    columns: Mapping[str, Any]
    view: Any


def create_many(
    session: Session,
    kind: Kind,
    records: Sequence[NewRecord],
    author: str,
    now: datetime | None = None,
) -> None:
    """Insert many new records of one kind, each with its audit entry: ``create`` in bulk.

    What ``create`` does one record (and one flush) at a time, done with a few Core
    statements: the same columns (uid, version 1, created and updated ``now``), the same audit
    entry per record, and the same note of the changed strategies for the rating hook. The
    values must already be clean (importers validate every row before writing); this function
    does not validate them again. Sets ``view.id`` of every record.
    """
    if not records:
        return
    now = now or utcnow()
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    rows = [{**r.values, **r.columns, "uid": r.uid} for r in records]
    ids = insert_rows(session, kind.model.__table__, rows, stamps)
    entries = []
    strategies = {}
    for record in records:
        view = record.view
        view.id = ids[record.uid]
        strategy = kind.strategy_of(view)
        entries.append(
            {
                "entity_uid": record.uid,
                "strategy_uid": strategy.uid if strategy is not None else None,
                "summary": f"Created {kind.entity} '{kind.title_of(view)}'",
                "changes": {
                    k: v if type(v) in _PLAIN else jsonable(v) for k, v in record.values.items()
                },
            }
        )
        if strategy is not None:
            strategies[strategy.id] = strategy
    touch(session, kind.entity)
    for strategy in strategies.values():
        touch(session, kind.entity, strategy)
    insert_audit(session, entries, author, "create", kind.entity, now)


def insert_audit(
    session: Session,
    entries: Sequence[Mapping[str, Any]],
    author: str,
    action: str,
    kind_name: str,
    at: datetime,
) -> None:
    """Write audit entries of one action on one kind of record, as ``audit`` writes each.

    Each entry holds ``entity_uid``, ``strategy_uid``, ``summary`` and ``changes`` (already
    ``jsonable``); the other columns are the same for all.
    """
    same = {"at": at, "author": author, "action": action, "entity_type": kind_name}
    insert_rows(session, AuditEntry.__table__, entries, same, ids=False)


# Rows per INSERT statement: FTS5 indexes 100,000 findings about as fast with 200 rows per
# statement as with 1,000, and compiling a statement of 1,000 rows takes 0.3 s.
_ROWS_PER_INSERT = 200


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    same: Mapping[str, Any] | None = None,
    *,
    ids: bool = True,
) -> dict[uuid.UUID, int]:
    """Insert rows with Core, many rows per INSERT statement; returns uid -> id (``ids``).

    Every row has the same keys; ``same`` holds the columns that have one value in all rows,
    and columns left out get their model default as with any INSERT (a default computed per
    row, such as ``uid``'s, must be given). Values are converted by the columns' types for
    the database, as in any SQLAlchemy statement, and always sent as bound parameters.

    This is SQLAlchemy's "insertmanyvalues" for plain rows, with each statement compiled
    once per shape and values converted a column at a time (the constants once): 100,000
    findings, full-text index included, took 1.4 s instead of 2.3 s with
    ``session.execute(insert(table).returning(...), rows)``. Many rows per statement also
    matter for SQLite's full-text triggers: FTS5 writes its pending terms at the end of each
    statement, so one statement per row (a plain ``executemany``) made indexing ten times
    slower.
    """
    if not rows:
        return {}
    connection = session.connection()
    dialect = connection.dialect
    keys = tuple(rows[0])
    same = dict(same or {})
    for column in table.columns:  # what an INSERT of the model would add: its scalar defaults
        if column.key in keys or column.key in same or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"insert_rows: give {table.name}.{column.key} (a computed default)")
        same[column.key] = column.default.arg
    returning = ids and dialect.insert_returning
    per = max(
        1, min(_ROWS_PER_INSERT, dialect.insertmanyvalues_max_parameters // (len(keys) + len(same)))
    )
    order = [c.key for c in table.columns if c.key in same or c.key in keys]
    convert = {k: _bind_processor(table.c[k].type, dialect) for k in order}
    fixed = {k: convert[k](v) if convert[k] else v for k, v in same.items()}
    found: dict[uuid.UUID, int] = {}
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        sql, names = _many_row_insert(
            table, tuple(order), tuple(same), len(chunk), returning, dialect
        )
        columns: dict[str, Iterable[Any]] = {}
        for key in order:  # a column at a time: the per-value work is only the conversion
            if key in fixed:
                columns[key] = itertools.repeat(fixed[key], len(chunk))
            elif convert[key] is not None:
                columns[key] = list(map(convert[key], map(operator.itemgetter(key), chunk)))
            else:
                columns[key] = map(operator.itemgetter(key), chunk)
        values = list(itertools.chain.from_iterable(zip(*columns.values(), strict=True)))
        params = tuple(values) if names is None else dict(zip(names, values, strict=True))
        result = connection.exec_driver_sql(sql, params)
        if returning:  # uids come back as stored: matched with the ones sent, not parsed
            stored = {u: i for u, i in result.all()}
            sent = columns["uid"] if convert["uid"] else [r["uid"] for r in chunk]
            found.update(zip((r["uid"] for r in chunk), map(stored.__getitem__, sent), strict=True))
    if ids and not returning:
        uids = [r["uid"] for r in rows]
        for start in range(0, len(uids), 500):
            chunk = uids[start : start + 500]
            found.update(
                connection.execute(select(table.c.uid, table.c.id).where(table.c.uid.in_(chunk)))
            )
    return found


def _bind_processor(type_: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """How SQLAlchemy converts a value of this type for this database (None: as it is)."""
    return type_.dialect_impl(dialect).bind_processor(dialect)


_COMPILED: dict[tuple, tuple[str, list[str] | None]] = {}


def _many_row_insert(
    table: Table, order: tuple, constants: tuple, n: int, returning: bool, dialect: Any
) -> tuple[str, list[str] | None]:
    """An INSERT of ``n`` rows of the ``order`` columns, compiled for the dialect (cached).

    Its parameters are taken row by row, each row's in ``order``. Returns the SQL and, for a
    named paramstyle, the parameter names in that order (None for a positional one).
    """
    # Every engine has a dialect object of its own: the cache is keyed by what the SQL
    # depends on, so that the next import (or database) finds the statements compiled.
    version = getattr(dialect, "server_version_info", None)
    key = (table, order, constants, n, returning, type(dialect), dialect.paramstyle, version)
    if key not in _COMPILED:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        _COMPILED[key] = _compile_many_row_insert(table, order, constants, n, returning, dialect)
    return _COMPILED[key]


def _compile_many_row_insert(
    table: Table, order: tuple, constants: tuple, n: int, returning: bool, dialect: Any
) -> tuple[str, list[str] | None]:
    shared = {
        k: bindparam(f"c{c}", type_=table.c[k].type) for c, k in enumerate(order) if k in constants
    }
    rows = [
        {
            k: shared[k] if k in constants else bindparam(f"r{r}_{c}", type_=table.c[k].type)
            for c, k in enumerate(order)
        }
        for r in range(n)
    ]
    names = [bind.key for row in rows for bind in row.values()]
    stmt = insert(table).values(rows)
    if returning:
        stmt = stmt.returning(table.c.uid, table.c.id)
    compiled = stmt.compile(dialect=dialect)
    if not compiled.positional:
        return compiled.string, names
    if list(compiled.positiontup or ()) != names:  # each row's VALUES in the table's order
        raise RuntimeError(f"unexpected parameter order in {compiled.string[:200]}")
    return compiled.string, None


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
