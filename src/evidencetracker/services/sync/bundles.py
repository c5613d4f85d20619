"""Bundles for offline exchange: the JSON bundle of services/exporting, merged like a sync.

The bundle format (docs/data-formats.md) is read and written by ``exporting.bundle``; this
module adds a ``sync`` section (the sender's replica id and name, who made each record's
state, and the sender's recorded conflicts) and can limit a bundle to the changes since the
last exchange with a peer. Merging is one transaction on this side only, with the same rules
as a sync: a bundle merged twice changes nothing the second time.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from evidencetracker.atomic import write_atomic
from evidencetracker.db import models as M
from evidencetracker.domain.errors import FieldError, NotFoundError, ServiceError, ValidationError
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.exporting import bundle as B
from evidencetracker.services.sync import store
from evidencetracker.services.sync.changeset import (
    BaseState,
    ChangeSet,
    ConflictState,
    Origin,
    RecordState,
    TombstoneState,
)
from evidencetracker.services.sync.merge import merge
from evidencetracker.services.sync.service import SyncReport
from evidencetracker.services.sync.tables import SPECS, TAG_LINKS, TAGS_FIELD, decode, encode

SECTION = "sync"


def _bad(message: str) -> ValidationError:
    return ValidationError(FieldError("bundle", message))


def _conflict_json(c: ConflictState) -> dict[str, Any]:
    return {
        "uid": c.uid,
        "kind": c.kind,
        "table": c.table,
        "entity_uid": c.entity_uid,
        "strategy_uid": c.strategy_uid,
        "title": c.title,
        "field": c.field,
        "base": c.base,
        "value_a": c.value_a,
        "origin_a": c.origin_a.to_json(),
        "value_b": c.value_b,
        "origin_b": c.origin_b.to_json(),
        "status": c.status,
        "resolution": c.resolution,
        "resolved_by": c.resolved_by,
        "resolved_at": c.resolved_at,
    }


def _conflict_from(data: dict[str, Any]) -> ConflictState:
    return ConflictState(
        uid=str(uuid.UUID(str(data["uid"]))),
        kind=str(data["kind"]),
        table=str(data["table"]),
        entity_uid=str(uuid.UUID(str(data["entity_uid"]))),
        strategy_uid=data.get("strategy_uid"),
        title=str(data.get("title", "")),
        field=str(data["field"]),
        base=data.get("base"),
        value_a=data["value_a"],
        origin_a=Origin.from_json(data.get("origin_a")),
        value_b=data["value_b"],
        origin_b=Origin.from_json(data.get("origin_b")),
        status=str(data.get("status", "open")),
        resolution=data.get("resolution"),
        resolved_by=str(data.get("resolved_by", "")),
        resolved_at=data.get("resolved_at"),
    )


def changeset_from_bundle(bundle: dict[str, Any], name: str) -> ChangeSet:
    """The records of a bundle as a (partial) change set; bad content names its row.

    Raises:
        ValidationError: a row lacks its uid or version, or a value does not fit its column.
    """
    section = bundle.get(SECTION) if isinstance(bundle.get(SECTION), dict) else {}
    replica = str(section.get("replica") or "")
    origins = section.get("origins") or {}
    out = ChangeSet(replica, complete=False)
    tables = bundle["tables"]
    tags: dict[str, dict[str, list[str]]] = {}
    for name_, link in TAG_LINKS.items():
        link_name = link.name
        found: dict[str, list[str]] = {}
        for pair in tables.get(link_name) or []:
            found.setdefault(str(pair[0]), []).append(str(pair[1]))
        tags[name_] = found
    for table, spec in SPECS.items():
        for index, row in enumerate(tables.get(table) or [], start=1):
            where = f"{name}: {table} row {index}"
            try:
                uid = str(uuid.UUID(str(row["uid"])))
                version = int(row["version"])
                fields: dict[str, Any] = {}
                for col in spec.columns:
                    if col.parent is not None:
                        value = row.get(col.name.removesuffix("_id") + "_uid")
                        fields[col.name] = str(uuid.UUID(str(value))) if value else None
                    else:
                        fields[col.name] = encode(col, decode(col, row.get(col.name)))
            except (KeyError, TypeError, ValueError) as exc:
                raise _bad(f"{where}: {exc}") from exc
            if spec.has_tags:
                fields[TAGS_FIELD] = sorted(tags[table].get(uid, []))
            updated = str(row.get("updated_at") or "")
            origin = (
                Origin.from_json(origins.get(uid))
                if uid in origins
                else Origin(replica, "", updated)
            )
            out.records[(table, uid)] = RecordState(table, uid, version, fields, updated, origin)
    for index, t in enumerate(bundle.get("tombstones") or [], start=1):
        try:
            key = (str(t["entity_type"]), str(uuid.UUID(str(t["entity_uid"]))))
            out.tombstones[key] = TombstoneState(
                key[0],
                key[1],
                int(t["last_version"]),
                str(t["deleted_at"]),
                str(t.get("author", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad(f"{name}: tombstone {index}: {exc}") from exc
    for data in section.get("conflicts") or []:
        try:
            c = _conflict_from(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad(f"{name}: a conflict entry is incomplete: {exc}") from exc
        out.conflicts[c.uid] = c
    return out


def _add_sender_bases(base: dict, section: dict[str, Any], replica: str, remote: ChangeSet) -> None:
    """Complete our ancestors with the sender's view of us, keeping the more recent of two."""
    theirs = (section.get("bases") or {}).get(replica) or {}
    kinds = {key[1]: key[0] for key in (*remote.records, *remote.tombstones)}
    for uid, entry in theirs.items():
        try:
            key = (kinds[uid], uid)
            state = BaseState(int(entry["version"]), dict(entry["fields"]), bool(entry["deleted"]))
        except (KeyError, TypeError, ValueError):
            continue  # an ancestor is a hint: without it the merge is only more cautious
        have = base.get(key)
        if have is None or state.version > have.version:
            base[key] = state


class BundleService:
    """Export bundles for a peer and merge bundles received from peers."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def peers(self) -> list[tuple[str, str]]:
        """(replica id, name) of every database this one has exchanged with."""
        with self.ctx.read() as session:
            return [
                (str(u), n)
                for u, n in session.execute(select(M.SyncPeer.peer_uid, M.SyncPeer.name))
            ]

    def _peer(self, name_or_id: str) -> str:
        for uid, name in self.peers():
            if name_or_id in (uid, name) or (len(name_or_id) >= 6 and uid.startswith(name_or_id)):
                return uid
        raise NotFoundError("peer", name_or_id)

    def export(
        self, path: Path, *, since_peer: str | None = None, include_confidential: bool = False
    ) -> Path:
        """Write a bundle of everything, or of the changes since the last exchange with a peer.

        Confidential records stay out unless ``include_confidential`` (as for every export).
        """
        with self.ctx.write("Bundle export") as session:
            replica = store.replica_uid(session)
            bundle = B.build_bundle(session, include_confidential=include_confidential)
            base = store.read_base(session, self._peer(since_peer)) if since_peer else {}
            origins = store.read_origins(session, replica)
            conflicts = [
                _conflict_json(store.conflict_state(c))
                for c in session.scalars(select(M.SyncConflict))
            ]
        tables = bundle["tables"]
        if since_peer:
            for table in SPECS:
                tables[table] = [
                    r
                    for r in tables.get(table) or []
                    if (b := base.get((table, r["uid"]))) is None
                    or b.deleted
                    or b.version != r["version"]
                ]
            kept = {t: {r["uid"] for r in tables[t]} for t in TAG_LINKS}
            for owner, link in TAG_LINKS.items():
                tables[link.name] = [p for p in tables.get(link.name) or [] if p[0] in kept[owner]]
            bundle["tombstones"] = [
                t
                for t in bundle["tombstones"]
                if not (b := base.get((t["entity_type"], t["entity_uid"]))) or not b.deleted
            ]
        sent = {r["uid"] for t in SPECS for r in tables.get(t) or []}
        sent |= {t["entity_uid"] for t in bundle["tombstones"]}
        bundle[SECTION] = {
            "replica": replica,
            "name": f"{self.ctx.author() or 'someone'} ({self.ctx.db.display_name})",
            "since_peer": since_peer,
            "origins": {u: o.to_json() for u, o in origins.items() if u in sent},
            "conflicts": conflicts,
            "bases": self._bases_for(sent),
        }
        return write_atomic(Path(path), B.dumps(bundle))

    def _bases_for(self, sent: set[str]) -> dict[str, dict[str, Any]]:
        """What this database last agreed with each peer on the records sent.

        A receiver that has never had a bundle from us finds its own state among these, and so
        has a common ancestor for a three-way merge instead of seeing every edit as a conflict.
        """
        out: dict[str, dict[str, Any]] = {}
        with self.ctx.read() as session:
            for peer, _name in self.peers():
                entries = store.read_base(session, peer)
                out[peer] = {
                    key[1]: {"version": b.version, "fields": dict(b.fields), "deleted": b.deleted}
                    for key, b in entries.items()
                    if key[1] in sent
                }
        return out

    def merge(self, path: Path) -> SyncReport:
        """Merge a bundle into this database, all or nothing, with the sync rules.

        Raises:
            ValidationError: the file is not a readable bundle (its row or field is named).
            ServiceError: the bundle came from this very database, or refers to a record that
                is in neither the bundle nor this database.
        """
        path = Path(path)
        bundle = B.load_bundle(path)
        section = bundle.get(SECTION) if isinstance(bundle.get(SECTION), dict) else {}
        peer_name = str(section.get("name") or path.name)
        remote = changeset_from_bundle(bundle, path.name)
        with self.ctx.write(f"Merge {path.name}") as session:
            replica = store.replica_uid(session)
            store.lock_for_merge(session)
            if remote.replica == replica:
                raise ServiceError(
                    f"{path.name} was exported from this database: nothing to merge."
                )
            local = store.read_changeset(session, replica)
            base = store.read_base(session, remote.replica) if remote.replica else {}
            _add_sender_bases(base, section, replica, remote)
            result = merge(base, local, remote, two_way=False)
            lookup = store.strategy_lookup(result.records, local.records, remote.records)
            pulled = store.apply_writes(
                session,
                result.local,
                before=local,
                peer_name=peer_name,
                where="this database",
                strategy_of=lookup,
            )
            if remote.replica:
                store.write_base(session, remote.replica, result.base, peer_name)
            merged = {**local.conflicts, **result.local.conflicts}
            open_count = sum(1 for c in merged.values() if c.status == "open")
        return SyncReport(peer_name, pulled, 0, len(result.new_conflicts), open_count)
