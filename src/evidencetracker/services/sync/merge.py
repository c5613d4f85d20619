"""The three-way merge of two change sets against their common ancestors.

Pure functions of values: no database, no clock. The rules, per record:

- changed on one side only: that side's state wins;
- different fields changed on both sides: both edits are kept;
- the same field changed to different values: a conflict keeping the ancestor's and both
  values; the provisional value is the larger of the two in canonical JSON order, so the
  outcome never depends on which side is "local" or on the order databases sync in;
- purged on one side, edited (or created under it) on the other: a delete conflict keeping the
  edited values; the record stays deleted, its tombstone kept (nothing is silently revived);
- moved to the Trash on one side, edited on the other: both kept (a trashed, edited record)
  and a conflict recorded so a person decides whether it should come back.

Version counters, never wall time, decide what is "unchanged": a merged record gets the
larger version, plus one if its content differs from the side that held that version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evidencetracker.services.sync.changeset import (
    DELETED,
    BaseState,
    ChangeSet,
    ConflictState,
    Key,
    Origin,
    RecordState,
    TombstoneState,
    canon,
    conflict_uid,
)
from evidencetracker.services.sync.tables import SPECS, STRATEGY_PATH, TAGS_FIELD, title_of

TRASH_FIELD = "deleted_at"


@dataclass
class SideWrites:
    """What must change in one database so that it holds the merged state."""

    upserts: dict[Key, tuple[RecordState, int | None]] = field(default_factory=dict)
    deletes: dict[Key, int] = field(default_factory=dict)  # key -> version expected there
    tombstones: dict[Key, TombstoneState] = field(default_factory=dict)
    conflicts: dict[str, ConflictState] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.upserts) + len(self.deletes) + len(self.tombstones) + len(self.conflicts)


@dataclass
class MergeResult:
    local: SideWrites
    remote: SideWrites
    base: dict[Key, BaseState]  # new ancestors (only the entries that changed)
    new_conflicts: list[ConflictState]
    records: dict[Key, RecordState]  # the merged records (of the keys looked at)
    dead: dict[Key, TombstoneState]  # the merged tombstones (of the keys looked at)


def _pick(one: Any, other: Any) -> Any:
    """The provisional value of a conflicted field: a total order on values, not on time."""
    return one if canon(one) >= canon(other) else other


def _later(one: RecordState, other: RecordState) -> RecordState:
    """A deterministic choice between two states (for metadata such as the origin)."""
    return (
        one
        if (one.version, canon(one.origin.to_json()))
        >= (
            other.version,
            canon(other.origin.to_json()),
        )
        else other
    )


def _merged_state(key: Key, sides: list[RecordState], fields: Mapping[str, Any]) -> RecordState:
    """The merged record: the larger version, bumped if its content is new to that holder."""
    top = max(s.version for s in sides)
    same = [s for s in sides if dict(s.fields) == dict(fields)]
    if any(s.version == top and dict(s.fields) != dict(fields) for s in sides):
        top += 1
    holders = [s for s in same if s.version == top] or sides
    chosen = holders[0]
    for s in holders[1:]:
        chosen = _later(chosen, s)
    updated_at = max(s.updated_at for s in holders)
    return RecordState(key[0], key[1], top, dict(fields), updated_at, chosen.origin)


class _Merger:
    def __init__(self, base: Mapping[Key, BaseState], local: ChangeSet, remote: ChangeSet):
        self.base, self.local, self.remote = base, local, remote
        self.records: dict[Key, RecordState] = {}
        self.dead: dict[Key, TombstoneState] = {}
        self.conflicts: dict[str, ConflictState] = {}

    # -- conflicts ---------------------------------------------------------------------
    def _strategy_uid(self, key: Key) -> str | None:
        table, uid = key
        for _ in range(6):
            if table == "strategies":
                return uid
            link = STRATEGY_PATH.get(table)
            state = (
                self.records.get((table, uid))
                or self.local.records.get((table, uid))
                or self.remote.records.get((table, uid))
            )
            if link is None or state is None or not state.fields.get(link):
                return None
            table, uid = SPECS[table].column(link).parent, state.fields[link]
        return None

    def _conflict(
        self,
        kind: str,
        key: Key,
        field_name: str,
        base: Any,
        one: tuple[Any, Origin],
        other: tuple[Any, Origin],
        fields: Mapping[str, Any],
    ) -> None:
        (va, oa), (vb, ob) = sorted([one, other], key=lambda c: canon(c[0]))
        uid = conflict_uid(key[0], key[1], field_name, va, vb)
        self.conflicts[uid] = ConflictState(
            uid=uid,
            kind=kind,
            table=key[0],
            entity_uid=key[1],
            strategy_uid=self._strategy_uid(key),
            title=title_of(key[0], fields),
            field=field_name,
            base=base,
            value_a={"v": va},
            origin_a=oa,
            value_b={"v": vb},
            origin_b=ob,
        )

    # -- one record --------------------------------------------------------------------
    def _both(self, key: Key, l: RecordState, r: RecordState) -> None:  # noqa: E741
        if dict(l.fields) == dict(r.fields):
            self.records[key] = _merged_state(key, [l, r], l.fields)
            return
        b = self.base.get(key)
        bf = dict(b.fields) if b is not None and not b.deleted else None
        merged: dict[str, Any] = {}
        conflicted: list[tuple[str, Any, Any]] = []
        for name in sorted(set(l.fields) | set(r.fields)):
            lv, rv = l.fields.get(name), r.fields.get(name)
            if canon(lv) == canon(rv):
                merged[name] = lv
            elif bf is not None and canon(lv) == canon(bf.get(name)):
                merged[name] = rv
            elif bf is not None and canon(rv) == canon(bf.get(name)):
                merged[name] = lv
            elif name == TRASH_FIELD and lv is not None and rv is not None:
                merged[name] = min(lv, rv)  # both trashed it: the first moment, no conflict
            else:
                merged[name] = _pick(lv, rv)
                conflicted.append((name, lv, rv))
        for name, lv, rv in conflicted:
            base = {"v": bf.get(name)} if bf is not None else None
            self._conflict("field", key, name, base, (lv, l.origin), (rv, r.origin), merged)
        if bf is not None and TRASH_FIELD in bf and bf[TRASH_FIELD] is None:
            self._trash_against_edit(key, l, r, bf, merged)
        self.records[key] = _merged_state(key, [l, r], merged)

    def _trash_against_edit(
        self,
        key: Key,
        l: RecordState,  # noqa: E741
        r: RecordState,
        bf: dict,
        merged: dict,  # noqa: E741
    ) -> None:
        """One side trashed the record while the other edited it: keep both, ask a person."""
        for trasher, editor in ((l, r), (r, l)):
            trashed = trasher.fields.get(TRASH_FIELD) is not None
            kept = editor.fields.get(TRASH_FIELD) is None
            edited = any(
                canon(editor.fields.get(n)) != canon(bf.get(n))
                for n in editor.fields
                if n != TRASH_FIELD
            )
            if trashed and kept and edited:
                self._conflict(
                    "trash",
                    key,
                    TRASH_FIELD,
                    {"v": None},
                    (trasher.fields[TRASH_FIELD], trasher.origin),
                    (None, editor.origin),
                    merged,
                )

    def _against_tombstone(
        self, key: Key, rec: RecordState, tomb: TombstoneState, *, cascade: bool = False
    ) -> None:
        """A record meets a tombstone: deleted silently only if the deleter had seen it as is."""
        b = self.base.get(key)
        unchanged = (
            b is not None and not b.deleted and canon(dict(b.fields)) == canon(dict(rec.fields))
        ) or (b is None and not cascade and rec.version <= tomb.last_version)
        if not unchanged:
            base = {"v": dict(b.fields)} if b is not None and not b.deleted else None
            deleter = Origin("", tomb.author, tomb.deleted_at)
            self._conflict(
                "delete",
                key,
                "*",
                base,
                (DELETED, deleter),
                (dict(rec.fields), rec.origin),
                rec.fields,
            )
        self.dead[key] = tomb

    def merge_key(self, key: Key) -> None:
        l, r = self.local.records.get(key), self.remote.records.get(key)  # noqa: E741
        lt, rt = self.local.tombstones.get(key), self.remote.tombstones.get(key)
        if lt is not None or rt is not None:
            tomb = max((t for t in (lt, rt) if t is not None), key=TombstoneState.order)
            for rec in (l, r):
                if rec is not None:
                    self._against_tombstone(key, rec, tomb)
            self.dead[key] = tomb
        elif l is not None and r is not None:
            self._both(key, l, r)
        elif l is not None or r is not None:
            self.records[key] = l or r

    # -- consequences of deletes -------------------------------------------------------
    def cascade(self) -> None:
        """Children of purged records go too (as delete conflicts when they hold edits)."""
        for table in SPECS:
            spec = SPECS[table]
            links = [c for c in spec.columns if c.parent is not None]
            for key in [k for k in self.records if k[0] == table]:
                rec = self.records[key]
                fields = dict(rec.fields)
                changed = False
                for col in links:
                    parent = fields.get(col.name)
                    if parent is None or (col.parent, parent) not in self.dead:
                        continue
                    if col.ondelete == "SET NULL":
                        fields[col.name] = None
                        changed = True
                        continue
                    tomb = self.dead[(col.parent, parent)]
                    self._against_tombstone(
                        key,
                        rec,
                        TombstoneState(table, key[1], rec.version, tomb.deleted_at, tomb.author),
                        cascade=True,
                    )
                    del self.records[key]
                    break
                else:
                    if spec.has_tags:
                        tags = [
                            t for t in fields.get(TAGS_FIELD) or [] if ("tags", t) not in self.dead
                        ]
                        if tags != list(fields.get(TAGS_FIELD) or []):
                            fields[TAGS_FIELD], changed = tags, True
                    if changed:
                        sides = [
                            s
                            for s in (self.local.records.get(key), self.remote.records.get(key))
                            if s
                        ]
                        self.records[key] = _merged_state(key, sides, fields)


def _merge_conflicts(*groups: Mapping[str, ConflictState]) -> dict[str, ConflictState]:
    """Union by id; a resolved conflict stays resolved, and ties break the same everywhere."""
    merged: dict[str, ConflictState] = {}
    for group in groups:
        for uid, state in group.items():
            have = merged.get(uid)
            if have is None or (state.order(), canon(_as_json(state))) > (
                have.order(),
                canon(_as_json(have)),
            ):
                merged[uid] = state
    return merged


def _as_json(c: ConflictState) -> dict:
    return {
        "kind": c.kind,
        "table": c.table,
        "entity_uid": c.entity_uid,
        "field": c.field,
        "base": c.base,
        "a": [c.value_a, c.origin_a.to_json()],
        "b": [c.value_b, c.origin_b.to_json()],
        "title": c.title,
        "strategy_uid": c.strategy_uid,
    }


def _side_writes(
    side: ChangeSet, records: Mapping[Key, RecordState], dead: Mapping[Key, TombstoneState]
) -> SideWrites:
    out = SideWrites()
    for key, rec in records.items():
        cur = side.records.get(key)
        if cur is None:
            out.upserts[key] = (rec, None)
        elif cur.version != rec.version or canon(dict(cur.fields)) != canon(dict(rec.fields)):
            out.upserts[key] = (rec, cur.version)
    for key, tomb in dead.items():
        cur = side.records.get(key)
        if cur is not None:
            out.deletes[key] = cur.version
        if side.tombstones.get(key) != tomb:
            out.tombstones[key] = tomb
    return out


def merge(
    base: Mapping[Key, BaseState], local: ChangeSet, remote: ChangeSet, *, two_way: bool = True
) -> MergeResult:
    """Merge ``remote`` into ``local`` (and, when ``two_way``, ``local`` into ``remote``).

    Args:
        base: the common ancestor of each record, as of the last exchange with this peer.
        local: the receiving database's complete change set.
        remote: the peer's change set; when incomplete (a "since" bundle), records missing
            from it are unchanged there and are left alone.
        two_way: False for a bundle, which only the receiving side applies; the new ancestors
            are then the sender's states, which is what the two copies now have in common.

    Returns:
        The writes for each side, the new ancestors and the conflicts first seen here.
    """
    m = _Merger(base, local, remote)
    keys = set(remote.records) | set(remote.tombstones)
    if remote.complete:
        keys |= set(local.records) | set(local.tombstones)
    for key in sorted(keys):
        m.merge_key(key)
    m.cascade()
    known = set(local.conflicts) | set(remote.conflicts)
    new_conflicts = [c for uid, c in sorted(m.conflicts.items()) if uid not in known]
    conflicts = _merge_conflicts(local.conflicts, remote.conflicts, m.conflicts)
    local_writes = _side_writes(local, m.records, m.dead)
    remote_writes = _side_writes(remote, m.records, m.dead) if two_way else SideWrites()
    for uid, state in conflicts.items():
        if local.conflicts.get(uid) != state:
            local_writes.conflicts[uid] = state
        if two_way and remote.conflicts.get(uid) != state:
            remote_writes.conflicts[uid] = state
    new_base: dict[Key, BaseState] = {}
    for key in keys:
        if two_way:
            rec, tomb = m.records.get(key), m.dead.get(key)
        else:
            # What the two copies now have in common is what the sender holds.
            rec, tomb = remote.records.get(key), remote.tombstones.get(key)
        if tomb is not None:
            state = BaseState(tomb.last_version, {}, True)
        elif rec is not None:
            state = BaseState(rec.version, dict(rec.fields), False)
        else:
            continue
        old = base.get(key)
        if old is None or (old.version, old.deleted, canon(dict(old.fields))) != (
            state.version,
            state.deleted,
            canon(dict(state.fields)),
        ):
            new_base[key] = state
    return MergeResult(local_writes, remote_writes, new_base, new_conflicts, m.records, m.dead)
