"""Reading a database into a change set, and writing a merge result back, in one transaction.

Writes go through Core statements that carry the merged version explicitly (the ORM would bump
it) and that check the version the row had when it was read: a row changed by someone else
meanwhile makes the whole transaction fail instead of being overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from evidencetracker.db import models as M
from evidencetracker.db.base import utcnow
from evidencetracker.domain.errors import ServiceError
from evidencetracker.services import kinds as K
from evidencetracker.services.context import touch
from evidencetracker.services.crud import Kind
from evidencetracker.services.ratings import recompute_strategies
from evidencetracker.services.sync.changeset import (
    BaseState,
    ChangeSet,
    ConflictState,
    Key,
    Origin,
    RecordState,
    TombstoneState,
)
from evidencetracker.services.sync.merge import SideWrites
from evidencetracker.services.sync.tables import (
    ORDER,
    SPECS,
    STRATEGY_PATH,
    TAG_LINKS,
    TAGS_FIELD,
    decode,
    encode,
)

ORIGIN_KEY = "_sync_origin"
MERGE_LOCK = 0x45544D45  # the advisory lock id every merge into a PostgreSQL database takes
CHUNK = 500
ENTITY_NAMES = {
    kind.model.__tablename__: kind.entity for kind in vars(K).values() if isinstance(kind, Kind)
}


class SyncRaceError(ServiceError):
    """A record changed in the other database while the merge ran; nothing was written."""

    def __init__(self, where: str):
        super().__init__(
            f"Records in {where} changed while the merge was running, so nothing was changed. "
            "Run the merge again."
        )


def _iso(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value is not None else ""


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lock_for_merge(session: Session) -> None:
    """Take the database's write lock now, so reads and writes of the merge see one state.

    PostgreSQL: a transaction-scoped advisory lock serialises concurrent syncs; SQLite: a no-op
    write makes the transaction the single writer before anything is read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(MERGE_LOCK)))
    else:
        session.execute(update(M.SyncReplica).values(id=M.SyncReplica.id))


def replica_uid(session: Session) -> str:
    """This database's replica id, created on first use."""
    value = session.scalar(select(M.SyncReplica.replica_uid).order_by(M.SyncReplica.id))
    if value is None:
        value = uuid.uuid4()
        session.add(M.SyncReplica(id=1, replica_uid=value))
        session.flush()
    return str(value)


# -- reading ---------------------------------------------------------------------------------


def read_origins(session: Session, replica: str) -> dict[str, Origin]:
    """The latest audit entry of each record: who made its current state, and when."""
    found: dict[str, Origin] = {}
    rows = session.execute(
        select(
            M.AuditEntry.entity_uid, M.AuditEntry.author, M.AuditEntry.at, M.AuditEntry.changes
        ).order_by(M.AuditEntry.id)
    )
    for uid, author, at, changes in rows:
        carried = changes.get(ORIGIN_KEY) if isinstance(changes, dict) else None
        found[str(uid)] = (
            Origin.from_json(carried) if carried else Origin(replica, author or "", _iso(at))
        )
    return found


def conflict_state(row: M.SyncConflict) -> ConflictState:
    return ConflictState(
        uid=str(row.uid),
        kind=row.kind,
        table=row.entity_type,
        entity_uid=str(row.entity_uid),
        strategy_uid=str(row.strategy_uid) if row.strategy_uid else None,
        title=row.title,
        field=row.field,
        base=row.base_value,
        value_a=row.value_a,
        origin_a=Origin.from_json(row.origin_a),
        value_b=row.value_b,
        origin_b=Origin.from_json(row.origin_b),
        status=row.status,
        resolution=row.resolution,
        resolved_by=row.resolved_by,
        resolved_at=_iso(row.resolved_at) or None,
    )


def read_changeset(session: Session, replica: str) -> ChangeSet:
    """Everything this database holds, as a complete change set."""
    origins = read_origins(session, replica)
    id_to_uid: dict[str, dict[int, str]] = {}
    raw: dict[str, list] = {}
    for name in ORDER:
        rows = session.execute(select(SPECS[name].table)).mappings().all()
        raw[name] = rows
        id_to_uid[name] = {r["id"]: str(r["uid"]) for r in rows}
    tags_of: dict[str, dict[int, list[str]]] = {}
    for name, link in TAG_LINKS.items():
        owner, tag = list(link.c)
        found: dict[int, list[str]] = {}
        for owner_id, tag_id in session.execute(select(owner, tag)):
            found.setdefault(owner_id, []).append(id_to_uid["tags"][tag_id])
        tags_of[name] = found
    out = ChangeSet(replica)
    for name in ORDER:
        spec = SPECS[name]
        for row in raw[name]:
            fields: dict[str, Any] = {}
            for col in spec.columns:
                value = row[col.name]
                if col.parent is not None:
                    fields[col.name] = id_to_uid[col.parent].get(value) if value else None
                else:
                    fields[col.name] = encode(col, value)
            if spec.has_tags:
                fields[TAGS_FIELD] = sorted(tags_of[name].get(row["id"], []))
            uid = str(row["uid"])
            updated = _iso(row["updated_at"])
            out.records[(name, uid)] = RecordState(
                name,
                uid,
                row["version"],
                fields,
                updated,
                origins.get(uid) or Origin(replica, "", updated),
            )
    for t in session.scalars(select(M.Tombstone)):
        key = (t.entity_type, str(t.entity_uid))
        out.tombstones[key] = TombstoneState(
            key[0], key[1], t.last_version, _iso(t.deleted_at), t.author
        )
    for c in session.scalars(select(M.SyncConflict)):
        out.conflicts[str(c.uid)] = conflict_state(c)
    return out


def read_base(session: Session, peer: str) -> dict[Key, BaseState]:
    rows = session.execute(
        select(
            M.SyncBase.entity_type,
            M.SyncBase.entity_uid,
            M.SyncBase.version,
            M.SyncBase.fields,
            M.SyncBase.deleted,
        ).where(M.SyncBase.peer_uid == uuid.UUID(peer))
    )
    return {(t, str(u)): BaseState(v, f or {}, bool(d)) for t, u, v, f, d in rows}


def write_base(session: Session, peer: str, entries: Mapping[Key, BaseState], name: str) -> None:
    """Store the new ancestors agreed with ``peer`` and note the exchange."""
    peer_uid = uuid.UUID(peer)
    keys = [uuid.UUID(k[1]) for k in entries]
    for chunk in _chunks(keys):
        session.execute(
            delete(M.SyncBase).where(
                M.SyncBase.peer_uid == peer_uid, M.SyncBase.entity_uid.in_(chunk)
            )
        )
    rows = [
        {
            "peer_uid": peer_uid,
            "entity_type": key[0],
            "entity_uid": uuid.UUID(key[1]),
            "version": state.version,
            "fields": dict(state.fields),
            "deleted": state.deleted,
        }
        for key, state in entries.items()
    ]
    for chunk in _chunks(rows):
        session.execute(insert(M.SyncBase), chunk)
    row = session.scalar(select(M.SyncPeer).where(M.SyncPeer.peer_uid == peer_uid))
    if row is None:
        row = M.SyncPeer(peer_uid=peer_uid, name=name, exchanges=0)
        session.add(row)
    row.name = name or row.name
    row.exchanges = (row.exchanges or 0) + 1
    row.last_exchange_at = utcnow()
    session.flush()


def peer_uid_by_name(session: Session, name: str) -> str | None:
    row = session.scalar(select(M.SyncPeer.peer_uid).where(M.SyncPeer.name == name))
    return str(row) if row else None


# -- writing ---------------------------------------------------------------------------------


class _Ids:
    """uid -> local id per table, refreshed as rows are inserted."""

    def __init__(self, session: Session):
        self.session = session
        self.maps: dict[str, dict[str, int]] = {}

    def of(self, table: str) -> dict[str, int]:
        if table not in self.maps:
            t = SPECS[table].table
            self.maps[table] = {str(u): i for u, i in self.session.execute(select(t.c.uid, t.c.id))}
        return self.maps[table]

    def forget(self, table: str) -> None:
        self.maps.pop(table, None)


def _row_values(ids: _Ids, state: RecordState, *, skip_self_links: bool = False) -> dict[str, Any]:
    spec = SPECS[state.table]
    values: dict[str, Any] = {}
    for col in spec.columns:
        value = state.fields.get(col.name)
        if col.parent is not None:
            if value is None or (skip_self_links and col.parent == state.table):
                values[col.name] = None
                continue
            local = ids.of(col.parent).get(value)
            if local is None:
                raise ServiceError(
                    f"Cannot merge {state.table} {state.uid}: its {col.name} refers to "
                    f"{col.parent} {value}, which is in neither database."
                )
            values[col.name] = local
        else:
            values[col.name] = decode(col, value)
    values["version"] = state.version
    values["updated_at"] = (
        datetime.fromisoformat(state.updated_at) if state.updated_at else utcnow()
    )
    return values


def _audit_rows(
    writes: SideWrites, peer_name: str, strategy_of: Callable[[Key], str | None], before: ChangeSet
) -> list[dict]:
    rows = []
    for key, (state, expected) in writes.upserts.items():
        old = before.records.get(key)
        changed = sorted(
            n for n in state.fields if old is None or old.fields.get(n) != state.fields.get(n)
        )
        if old is not None and not changed:
            continue  # only the version moved: nothing for a person to read
        action = "create" if expected is None else "update"
        what = "created" if expected is None else "changed " + ", ".join(changed)
        strategy = strategy_of(key)
        rows.append(
            {
                "author": state.origin.author,
                "action": action,
                "entity_type": ENTITY_NAMES.get(key[0], key[0]),
                "entity_uid": uuid.UUID(key[1]),
                "strategy_uid": uuid.UUID(strategy) if strategy else None,
                "summary": f"Merged from {peer_name}: {what}",
                "changes": {ORIGIN_KEY: state.origin.to_json(), "fields": changed},
                "at": utcnow(),
            }
        )
    for key in writes.deletes:
        tomb = writes.tombstones.get(key)
        strategy = strategy_of(key)
        rows.append(
            {
                "author": tomb.author if tomb else "",
                "action": "purge",
                "entity_type": ENTITY_NAMES.get(key[0], key[0]),
                "entity_uid": uuid.UUID(key[1]),
                "strategy_uid": uuid.UUID(strategy) if strategy else None,
                "summary": f"Merged from {peer_name}: deleted permanently",
                "changes": {},
                "at": utcnow(),
            }
        )
    return rows


def _conflict_row(c: ConflictState) -> dict[str, Any]:
    return {
        "uid": uuid.UUID(c.uid),
        "kind": c.kind,
        "entity_type": c.table,
        "entity_uid": uuid.UUID(c.entity_uid),
        "strategy_uid": uuid.UUID(c.strategy_uid) if c.strategy_uid else None,
        "title": c.title[:300],
        "field": c.field,
        "base_value": c.base,
        "value_a": c.value_a,
        "origin_a": c.origin_a.to_json(),
        "value_b": c.value_b,
        "origin_b": c.origin_b.to_json(),
        "status": c.status,
        "resolution": c.resolution,
        "resolved_by": c.resolved_by,
        "resolved_at": datetime.fromisoformat(c.resolved_at) if c.resolved_at else None,
    }


def _write_upserts(session: Session, ids: _Ids, writes: SideWrites, where: str) -> set[Key]:
    by_table: dict[str, list[tuple[RecordState, int | None]]] = {}
    for key, item in writes.upserts.items():
        by_table.setdefault(key[0], []).append(item)
    self_linked: list[RecordState] = []
    for name in ORDER:
        items = by_table.get(name, [])
        if not items:
            continue
        table = SPECS[name].table
        new = [s for s, expected in items if expected is None]
        old = [(s, expected) for s, expected in items if expected is not None]
        has_self = any(c.parent == name for c in SPECS[name].columns)
        if new:
            rows = []
            for s in new:
                values = _row_values(ids, s, skip_self_links=has_self)
                values.update(uid=uuid.UUID(s.uid), created_at=values.get("created_at") or utcnow())
                rows.append(values)
            for chunk in _chunks(rows):
                session.execute(insert(table), chunk)
            ids.forget(name)
            if has_self:
                self_linked.extend(new)
        if old:
            rows = []
            for s, expected in old:
                values = _row_values(ids, s, skip_self_links=has_self)
                rows.append(
                    {
                        **{f"v_{k}": v for k, v in values.items()},
                        "k_uid": uuid.UUID(s.uid),
                        "k_version": expected,
                    }
                )
                if has_self:
                    self_linked.append(s)
            columns = list(_row_values(ids, old[0][0], skip_self_links=has_self))
            stmt = (
                update(table)
                .where(table.c.uid == bindparam("k_uid"), table.c.version == bindparam("k_version"))
                .values({c: bindparam(f"v_{c}") for c in columns})
            )
            for chunk in _chunks(rows):
                result = session.connection().execute(stmt, chunk)
                if result.rowcount != len(chunk):
                    raise SyncRaceError(where)
    for s in self_linked:  # self references (tag hierarchy) once every row exists
        table = SPECS[s.table].table
        values = _row_values(ids, s)
        links = {c.name: values[c.name] for c in SPECS[s.table].columns if c.parent == s.table}
        session.execute(update(table).where(table.c.uid == uuid.UUID(s.uid)).values(links))
    return set(writes.upserts)


def _write_tag_links(session: Session, ids: _Ids, writes: SideWrites) -> None:
    for name, link in TAG_LINKS.items():
        owner_col, tag_col = list(link.c)
        states = [s for (t, _), (s, _e) in writes.upserts.items() if t == name]
        if not states:
            continue
        owner_ids = [ids.of(name)[s.uid] for s in states]
        for chunk in _chunks(owner_ids):
            session.execute(delete(link).where(owner_col.in_(chunk)))
        tag_ids = ids.of("tags")
        rows = [
            {owner_col.name: ids.of(name)[s.uid], tag_col.name: tag_ids[t]}
            for s in states
            for t in s.fields.get(TAGS_FIELD) or []
            if t in tag_ids
        ]
        for chunk in _chunks(rows):
            session.execute(insert(link), chunk)


def apply_writes(
    session: Session,
    writes: SideWrites,
    *,
    before: ChangeSet,
    peer_name: str,
    where: str,
    strategy_of: Callable[[Key], str | None],
) -> int:
    """Make this database hold the merged state; returns the number of rows written.

    Raises:
        SyncRaceError: a row's version is not the one read at the start (someone edited it).
    """
    if writes.count == 0:
        return 0
    ids = _Ids(session)
    # Strategies whose ratings depend on what changes, found before rows go away. A strategy's
    # own fields never change its rating, and a new strategy starts as "not rated" until its
    # outcomes arrive (which land here as changes of their own).
    changed = [k for k in (*writes.upserts, *writes.deletes) if k[0] != "strategies"]
    strategies = {strategy_of(k) for k in changed} - {None}
    changed_sources = {
        k[1] for k in (*writes.upserts, *writes.deletes) if k[0] == "evidence_sources"
    }
    _write_upserts(session, ids, writes, where)
    _write_tag_links(session, ids, writes)
    for name in reversed(ORDER):
        doomed = [(k, v) for k, v in writes.deletes.items() if k[0] == name]
        if not doomed:
            continue
        table = SPECS[name].table
        stmt = delete(table).where(
            table.c.uid == bindparam("k_uid"), table.c.version == bindparam("k_version")
        )
        rows = [{"k_uid": uuid.UUID(k[1]), "k_version": v} for k, v in doomed]
        for chunk in _chunks(rows):
            if session.connection().execute(stmt, chunk).rowcount != len(chunk):
                raise SyncRaceError(where)
    for key, tomb in writes.tombstones.items():
        session.execute(delete(M.Tombstone).where(M.Tombstone.entity_uid == uuid.UUID(key[1])))
        session.execute(
            insert(M.Tombstone).values(
                entity_type=tomb.table,
                entity_uid=uuid.UUID(tomb.uid),
                last_version=tomb.last_version,
                deleted_at=datetime.fromisoformat(tomb.deleted_at),
                author=tomb.author,
            )
        )
    for uid, state in writes.conflicts.items():
        exists = session.scalar(
            select(M.SyncConflict.id).where(M.SyncConflict.uid == uuid.UUID(uid))
        )
        if exists:
            session.execute(
                update(M.SyncConflict)
                .where(M.SyncConflict.id == exists)
                .values(_conflict_row(state))
            )
        else:
            session.execute(insert(M.SyncConflict).values(_conflict_row(state)))
    audit = _audit_rows(writes, peer_name, strategy_of, before)
    for chunk in _chunks(audit):
        session.execute(insert(M.AuditEntry), chunk)
    _recompute(session, strategies, changed_sources)
    for key in (*writes.upserts, *writes.deletes):
        touch(session, ENTITY_NAMES.get(key[0], key[0]))
    if writes.conflicts:
        touch(session, "conflict")
    return writes.count


def _recompute(session: Session, strategy_uids: set, source_uids: set) -> None:
    uids = {uuid.UUID(u) for u in strategy_uids}
    if source_uids:
        sources = [uuid.UUID(u) for u in source_uids]
        for chunk in _chunks(sources):
            rows = session.execute(
                select(M.Strategy.uid)
                .join(M.Outcome, M.Outcome.strategy_id == M.Strategy.id)
                .join(M.Finding, M.Finding.outcome_id == M.Outcome.id)
                .join(M.EvidenceSource, M.EvidenceSource.id == M.Finding.source_id)
                .where(M.EvidenceSource.uid.in_(chunk))
            )
            uids.update(u for (u,) in rows)
    ids: list[int] = []
    for chunk in _chunks(sorted(uids)):
        ids.extend(session.scalars(select(M.Strategy.id).where(M.Strategy.uid.in_(chunk))))
    # recompute_strategies writes the headline with a Core UPDATE, which fires the column's
    # onupdate and moves updated_at: put back the merged timestamps so copies stay identical.
    table = M.Strategy.__table__
    stamps: list[dict] = []
    for chunk in _chunks(ids):
        stamps.extend(
            {"k_id": i, "v_updated_at": u}
            for i, u in session.execute(
                select(table.c.id, table.c.updated_at).where(table.c.id.in_(chunk))
            )
        )
    for chunk in _chunks(ids):
        recompute_strategies(session, chunk)
    if stamps:
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("k_id"))
            .values(updated_at=bindparam("v_updated_at")),
            stamps,
        )
    if ids:
        session.info.setdefault("touched_strategy_uids", set()).update(uids)


def strategy_lookup(*maps: Mapping[Key, RecordState]) -> Callable[[Key], str | None]:
    """Follow foreign keys up from a record to its strategy, through any of these states."""

    def find(key: Key) -> str | None:
        table, uid = key
        for _ in range(6):
            if table == "strategies":
                return uid
            link = STRATEGY_PATH.get(table)
            state = next((m[(table, uid)] for m in maps if (table, uid) in m), None)
            if link is None or state is None or not state.fields.get(link):
                return None
            table, uid = SPECS[table].column(link).parent, state.fields[link]
        return None

    return find
