"""The change set: what one database holds, in a form any two databases can be merged from.

Records are JSON field values keyed by ``(table, uid)`` with their version counter; purged
records are tombstones; recorded conflicts travel too, so every copy knows about them. The
merge engine (``merge.py``) works only on these values, never on a database, so sync between
databases and bundle files share the same rules.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, str]  # (table name, record uid as text)

# Fixed namespace: conflict ids derived from it are the same in every copy of the database.
CONFLICT_NAMESPACE = uuid.UUID("6f1c2a9e-5b7d-4e0a-9c3f-0d8e2b1a7c55")
DELETED = {"deleted": True}  # the "value" of the deleting side of a delete-versus-edit conflict


def canon(value: Any) -> str:
    """A canonical text of a JSON value: equal values give equal texts, and a total order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Origin:
    """Who made a record's current state, where (replica id) and when (their clock, for show)."""

    replica: str
    author: str
    at: str

    def to_json(self) -> dict[str, str]:
        return {"replica": self.replica, "author": self.author, "at": self.at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Origin:
        data = data or {}
        return cls(
            str(data.get("replica", "")), str(data.get("author", "")), str(data.get("at", ""))
        )


@dataclass(frozen=True)
class RecordState:
    table: str
    uid: str
    version: int
    fields: Mapping[str, Any]
    updated_at: str
    origin: Origin

    @property
    def key(self) -> Key:
        return (self.table, self.uid)


@dataclass(frozen=True)
class TombstoneState:
    table: str
    uid: str
    last_version: int
    deleted_at: str
    author: str

    @property
    def key(self) -> Key:
        return (self.table, self.uid)

    def order(self) -> tuple:
        return (self.last_version, self.deleted_at, self.author)


@dataclass(frozen=True)
class BaseState:
    """A record as both sides last agreed on it (``deleted`` when they agreed it was purged)."""

    version: int
    fields: Mapping[str, Any]
    deleted: bool = False


@dataclass(frozen=True)
class ConflictState:
    """A recorded disagreement; ``a``/``b`` are the two candidates in canonical order."""

    uid: str
    kind: str  # "field", "delete" (purge against edit) or "trash" (trash against edit)
    table: str
    entity_uid: str
    strategy_uid: str | None
    title: str
    field: str
    base: Any  # {"v": value} or None when there was no common ancestor
    value_a: Any  # {"v": value}
    origin_a: Origin
    value_b: Any
    origin_b: Origin
    status: str = "open"
    resolution: Any = None
    resolved_by: str = ""
    resolved_at: str | None = None

    def order(self) -> tuple:
        resolved = 1 if self.status == "resolved" else 0
        return (resolved, self.resolved_at or "", self.resolved_by, canon(self.resolution))


def conflict_uid(table: str, uid: str, field_name: str, one: Any, other: Any) -> str:
    """The same id wherever, and in whatever order, the same two values meet."""
    values = sorted([canon(one), canon(other)])
    return str(uuid.uuid5(CONFLICT_NAMESPACE, canon([table, uid, field_name, values])))


@dataclass
class ChangeSet:
    """Everything one side brings to a merge.

    ``complete`` is False for a bundle of "changes since the last exchange": a record missing
    from it is unchanged on the sender's side, not deleted.
    """

    replica: str
    records: dict[Key, RecordState] = field(default_factory=dict)
    tombstones: dict[Key, TombstoneState] = field(default_factory=dict)
    conflicts: dict[str, ConflictState] = field(default_factory=dict)
    complete: bool = True
