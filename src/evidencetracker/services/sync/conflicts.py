"""Open conflicts from merges, and a person's decision on each (audited).

A conflict keeps the common ancestor's value and both candidates with who made each and when.
Deciding keeps one candidate or an edited value; the record gets a new version, so the
decision travels to every other copy with the next sync or bundle like any other edit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evidencetracker.db import models as M
from evidencetracker.db.base import utcnow
from evidencetracker.domain.errors import FieldError, NotFoundError, ServiceError, ValidationError
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.context import ServiceContext, touch
from evidencetracker.services.crud import Kind
from evidencetracker.services.sync.changeset import DELETED, canon
from evidencetracker.services.sync.tables import SPECS, SYNCED_MODELS, TAGS_FIELD, decode, encode

KINDS_BY_TABLE: dict[str, Kind] = {
    k.model.__tablename__: k for k in vars(K).values() if isinstance(k, Kind)
}
MODELS_BY_TABLE: dict[str, type] = {m.__tablename__: m for m in SYNCED_MODELS}
KEEP_CHOICES = ("a", "b", "local", "remote", "value")


@dataclass(frozen=True)
class ConflictCandidate:
    """One of the two values in a conflict, with who made it, when, and where."""

    value: Any
    author: str
    at: str
    replica: str
    here: bool  # the value this database holds now
    made_here: bool  # made in this database (rather than received)

    @property
    def is_deletion(self) -> bool:
        return self.value == DELETED


@dataclass(frozen=True)
class ConflictRecord:
    uid: uuid.UUID
    kind: str  # "field", "trash" (Trash against edit), "delete" (purge against edit)
    entity: str  # e.g. "strategy"
    entity_uid: uuid.UUID
    strategy_uid: uuid.UUID | None
    title: str
    field: str
    field_label: str
    has_base: bool
    base: Any
    a: ConflictCandidate
    b: ConflictCandidate
    status: str
    resolution: Any
    resolved_by: str
    resolved_at: datetime | None

    def describe(self, value: Any) -> str:
        """A value as a person reads it in the conflicts list."""
        if value == DELETED:
            return "(deleted)"
        if self.kind == "trash":
            return "in the Trash" if value else "kept (not in the Trash)"
        if isinstance(value, dict):
            return ", ".join(f"{k}: {v}" for k, v in value.items() if k != "created_at")[:300]
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "(none)"
        if value is None or value == "":
            return "(empty)"
        return str(value)


def _label(table: str, field_name: str) -> str:
    if field_name == "*":
        return "whole record"
    if field_name == "deleted_at":
        return "Trash"
    kind = KINDS_BY_TABLE.get(table)
    for f in kind.fields if kind else ():
        if f.name == field_name:
            return f.label
    return field_name.replace("_", " ")


def _current(session: Session, table: str, uid: uuid.UUID, field_name: str) -> Any:
    """The value this database holds now, in portable form (DELETED when the row is gone)."""
    t = SPECS[table].table
    row = session.execute(select(t).where(t.c.uid == uid)).mappings().first()
    if row is None:
        return DELETED
    if field_name in ("*", TAGS_FIELD):
        return None
    col = SPECS[table].column(field_name)
    value = row[field_name]
    if col.parent is not None:
        p = SPECS[col.parent].table
        return str(session.scalar(select(p.c.uid).where(p.c.id == value))) if value else None
    return encode(col, value)


class ConflictService:
    """The conflicts recorded by merges in this database, and their resolution."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def _record(self, session: Session, row: M.SyncConflict, replica: str | None) -> ConflictRecord:
        current = _current(session, row.entity_type, row.entity_uid, row.field)

        def candidate(value: dict, origin: dict) -> ConflictCandidate:
            v = value.get("v")
            if row.kind == "delete":
                here = (current == DELETED) == (v == DELETED)
            elif row.kind == "trash":
                here = (current is None) == (v is None)
            else:
                here = canon(current) == canon(v)
            return ConflictCandidate(
                v,
                origin.get("author", ""),
                origin.get("at", ""),
                origin.get("replica", ""),
                here,
                bool(replica) and origin.get("replica") == replica,
            )

        kind = KINDS_BY_TABLE.get(row.entity_type)
        return ConflictRecord(
            uid=row.uid,
            kind=row.kind,
            entity=kind.entity if kind else row.entity_type,
            entity_uid=row.entity_uid,
            strategy_uid=row.strategy_uid,
            title=row.title,
            field=row.field,
            field_label=_label(row.entity_type, row.field),
            has_base=row.base_value is not None,
            base=(row.base_value or {}).get("v"),
            a=candidate(row.value_a, row.origin_a),
            b=candidate(row.value_b, row.origin_b),
            status=row.status,
            resolution=row.resolution,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
        )

    def _replica(self, session: Session) -> str | None:
        value = session.scalar(select(M.SyncReplica.replica_uid))
        return str(value) if value else None

    def list(self, status: str | None = "open") -> list[ConflictRecord]:
        """Conflicts, oldest record first; ``status`` None lists resolved ones too."""
        with self.ctx.read() as session:
            stmt = select(M.SyncConflict).order_by(
                M.SyncConflict.title, M.SyncConflict.field, M.SyncConflict.id
            )
            if status is not None:
                stmt = stmt.where(M.SyncConflict.status == status)
            replica = self._replica(session)
            return [self._record(session, r, replica) for r in session.scalars(stmt)]

    def get(self, uid: Any) -> ConflictRecord:
        with self.ctx.read() as session:
            row = self._load(session, uid)
            return self._record(session, row, self._replica(session))

    def open_count(self) -> int:
        """How many conflicts wait for a person (the main window shows this)."""
        with self.ctx.read() as session:
            return (
                session.scalar(
                    select(func.count(M.SyncConflict.id)).where(M.SyncConflict.status == "open")
                )
                or 0
            )

    def strategies_with_open_conflicts(self) -> set[uuid.UUID]:
        """Strategies with an open conflict on them or their parts (briefs and exports warn)."""
        with self.ctx.read() as session:
            rows = session.scalars(
                select(M.SyncConflict.strategy_uid)
                .where(M.SyncConflict.status == "open", M.SyncConflict.strategy_uid.is_not(None))
                .distinct()
            )
            return set(rows)

    def _load(self, session: Session, uid: Any) -> M.SyncConflict:
        text = str(uid).strip().lower()
        rows = session.scalars(select(M.SyncConflict)).all()
        matches = [r for r in rows if str(r.uid) == text] or (
            [r for r in rows if str(r.uid).startswith(text)] if len(text) >= 6 else []
        )
        if len(matches) != 1:
            raise NotFoundError("conflict", uid)
        return matches[0]

    def resolve(self, uid: Any, keep: str, value: Any = None) -> ConflictRecord:
        """Decide a conflict: keep candidate ``a``/``b`` (or ``local``/``remote``), or a value.

        ``local`` is the candidate made in this database, ``remote`` the one received; for an
        edited value (``keep="value"``) the text is validated like any edit of that field.

        Raises:
            NotFoundError: no such conflict, or the record has gone since.
            ValidationError: the edited value is invalid.
            ServiceError: the conflict is already resolved, or local/remote is ambiguous.
        """
        if keep not in KEEP_CHOICES:
            raise ValidationError(FieldError("keep", f"Choose one of {', '.join(KEEP_CHOICES)}"))
        author = self.ctx.author()
        with self.ctx.write("resolve conflict") as session:
            row = self._load(session, uid)
            if row.status != "open":
                raise ServiceError("This conflict has already been resolved.")
            record = self._record(session, row, self._replica(session))
            if keep in ("local", "remote"):
                mine = [c for c in (record.a, record.b) if c.made_here]
                if len(mine) != 1:
                    raise ServiceError(
                        "Neither or both values were made in this database; keep 'a' or 'b'."
                    )
                chosen = (
                    mine[0] if keep == "local" else (record.b if mine[0] is record.a else record.a)
                )
                keep = "a" if chosen is record.a else "b"
            if keep == "value":
                if row.kind != "field":
                    raise ServiceError("Only a field conflict can take an edited value.")
                final = self._apply_edit(session, row, value, author)
            else:
                final = (record.a if keep == "a" else record.b).value
                self._apply_choice(session, row, final, author)
            row.status = "resolved"
            row.resolution = {"keep": keep, "v": final}
            row.resolved_by = author
            row.resolved_at = utcnow()
            crud.audit(
                session,
                record.entity,
                "resolve",
                _Ref(row.entity_uid),
                None,
                author,
                f"Resolved the conflict on {record.field_label} of '{record.title}': kept "
                f"{record.describe(final) if keep != 'value' else 'an edited value'}",
                {"conflict": str(row.uid), "kept": keep, "value": final},
            )
            touch(session, "conflict")
            session.flush()
            return self._record(session, row, self._replica(session))

    # -- applying a decision -----------------------------------------------------------
    def _row(self, session: Session, table: str, uid: uuid.UUID) -> Any:
        model = MODELS_BY_TABLE[table]
        row = session.scalar(select(model).where(model.uid == uid))
        if row is None:
            raise NotFoundError(
                KINDS_BY_TABLE[table].entity if table in KINDS_BY_TABLE else table, uid
            )
        return row

    def _apply_choice(self, session: Session, c: M.SyncConflict, value: Any, author: str) -> None:
        table = c.entity_type
        kind = KINDS_BY_TABLE.get(table)
        if c.kind == "delete":
            if value == DELETED:
                return  # the record is already deleted everywhere: nothing to bring back
            self._recreate(session, c, value, author)
            return
        row = self._row(session, table, c.entity_uid)
        before = _current(session, table, c.entity_uid, c.field)
        if c.field == TAGS_FIELD:
            tags = session.scalars(
                select(M.Tag).where(M.Tag.uid.in_([uuid.UUID(t) for t in value or []]))
            ).all()
            row.tags = list(tags)
            row.updated_at = utcnow()
        else:
            col = SPECS[table].column(c.field)
            if col.parent is not None:
                parent = self._row(session, col.parent, uuid.UUID(value)) if value else None
                setattr(row, c.field, parent.id if parent is not None else None)
            else:
                setattr(row, c.field, decode(col, value))
        session.flush()
        crud.audit(
            session,
            kind.entity if kind else table,
            "update",
            row,
            kind.strategy_of(row) if kind else None,
            author,
            f"Kept one value of a merge conflict on {_label(table, c.field)}",
            {c.field: {"from": before, "to": value}},
        )

    def _apply_edit(self, session: Session, c: M.SyncConflict, value: Any, author: str) -> Any:
        kind = KINDS_BY_TABLE.get(c.entity_type)
        if kind is None or c.field not in {f.name for f in kind.fields}:
            raise ServiceError(f"The field {c.field} cannot be edited here; keep one value.")
        row = self._row(session, c.entity_type, c.entity_uid)
        crud.update(session, kind, row.uid, row.version, {c.field: value}, author)
        return _current(session, c.entity_type, c.entity_uid, c.field)

    def _recreate(self, session: Session, c: M.SyncConflict, fields: dict, author: str) -> None:
        """Bring an edited record back under a new id: the old id stays deleted everywhere."""
        spec = SPECS[c.entity_type]
        values: dict[str, Any] = {}
        for col in spec.columns:
            v = fields.get(col.name)
            if col.parent is not None and v is not None:
                values[col.name] = self._row(session, col.parent, uuid.UUID(v)).id
            else:
                values[col.name] = decode(col, v)
        model = MODELS_BY_TABLE[c.entity_type]
        row = model(**values, uid=uuid.uuid4())
        session.add(row)
        session.flush()
        if spec.has_tags:
            row.tags = list(
                session.scalars(
                    select(M.Tag).where(
                        M.Tag.uid.in_([uuid.UUID(t) for t in fields.get(TAGS_FIELD) or []])
                    )
                )
            )
        kind = KINDS_BY_TABLE.get(c.entity_type)
        crud.audit(
            session,
            kind.entity if kind else c.entity_type,
            "create",
            row,
            kind.strategy_of(row) if kind else None,
            author,
            f"Brought back '{c.title}' from a delete conflict (as a new record)",
            {"from_conflict": str(c.uid), "old_uid": str(c.entity_uid)},
        )


@dataclass(frozen=True)
class _Ref:
    """Just enough of a row for an audit entry about a record that may no longer exist."""

    uid: uuid.UUID
