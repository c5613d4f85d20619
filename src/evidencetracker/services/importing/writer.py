"""Applying an import plan inside one transaction, in bulk.

Records that already exist are found with a few queries per table and compared with the file;
only those that change (or come back from the Trash) go through ``crud.update`` and
``crud.restore``, as a hand edit does. New records are written table by table with
``crud.create_many``: many rows per INSERT statement, one audit entry each, and the same note of
the touched strategies, whose ratings the transaction's before-commit hook then recomputes once.

The plan's values were cleaned through the schema when the plan was made (``plan.validated``),
so they are written as they are. The tests keep the one-record-at-a-time writer this replaced
(``tests/io/per_record_writer.py``, every record through ``crud.create``), import the same files
both ways and compare the databases, so any difference between the two is a bug in this module.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.orm import Session

from evidencetracker.db import models as M
from evidencetracker.db.base import Base, utcnow
from evidencetracker.services import crud
from evidencetracker.services.context import touch
from evidencetracker.services.crud import Kind
from evidencetracker.services.importing.plan import (
    ImportCancelled,
    ImportReport,
    Op,
    Plan,
    Progress,
)

__all__ = ["CHUNK", "ImportCancelled", "apply_plan"]

CHUNK = 1000  # new records per batch of INSERTs; progress is reported (and Cancel read) per batch
_IN = 500  # values per IN (...) list
_TABLE_ORDER = {t.name: n for n, t in enumerate(Base.metadata.sorted_tables)}
_TAG_LINKS: dict[type, Table] = {M.Strategy: M.strategy_tags, M.EvidenceSource: M.source_tags}


class _Old:
    """A record that existed before the import, as read; its parents are read when asked for.

    Looks like a model object to ``Kind.title_of`` / ``strategy_of`` (``finding.outcome.strategy``).
    """

    def __init__(self, reader: _Reader, model: type, row: Any):
        self.__dict__.update(row._mapping)
        self._reader, self._model = reader, model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        rel = inspect(self._model).relationships.get(name)
        if rel is None or rel.uselist:
            raise AttributeError(name)
        [column] = rel.local_columns
        parent = self._reader.by_id(rel.mapper.class_, self.__dict__[column.key])
        self.__dict__[name] = parent
        return parent


class _Reader:
    """Reads existing records as ``_Old`` rows, remembering the ones read by id."""

    def __init__(self, session: Session):
        self.session = session
        self.cache: dict[tuple[type, int], _Old | None] = {}

    def rows(self, model: type, where: Any) -> list[_Old]:
        found = [
            _Old(self, model, r) for r in self.session.execute(select(model.__table__).where(where))
        ]
        for old in found:
            self.cache[(model, old.id)] = old
        return found

    def by_id(self, model: type, id_: int | None) -> _Old | None:
        if id_ is None:
            return None
        if (model, id_) not in self.cache:
            found = self.rows(model, model.__table__.c.id == id_)
            self.cache[(model, id_)] = found[0] if found else None
        return self.cache[(model, id_)]


@functools.cache
def _foreign_key(model: type, relationship: str) -> str:
    """The column that holds a many-to-one relationship's key (``strategy`` -> strategy_id)."""
    [column] = inspect(model).relationships[relationship].local_columns
    return column.key


class _Matcher:
    """Finds the plan's records that already exist, as the per-record writer did.

    By ID where the op has one; strategies without one by title and countries (the first, not in
    the Trash); organisations by name, ignoring case; partners of a strategy and organisation
    that both existed by role. Only records that existed before the import are matched. (One
    difference: an organisation whose name differs from the file's only in the case of
    non-ASCII letters is found here; the per-record path's SQL ``lower()`` missed it.)
    """

    def __init__(self, session: Session, plan: Plan, reader: _Reader):
        self.session, self.plan, self.reader = session, plan, reader
        self.by_uid: dict[type, dict[uuid.UUID, _Old]] = {}
        self.strategy_keys: dict[tuple, int] | None = None
        self.org_names: dict[str, int] | None = None
        self._load_uids()

    def _load_uids(self) -> None:
        wanted: dict[type, list[uuid.UUID]] = {}
        for op in self.plan.ops:
            if op.action == "record" and op.uid is not None:
                wanted.setdefault(op.kind.model, []).append(op.uid)
        for model, uids in wanted.items():
            table = model.__table__
            found: dict[uuid.UUID, _Old] = {}
            if self.session.scalar(select(table.c.id).limit(1)) is not None:
                for start in range(0, len(uids), _IN):
                    chunk = uids[start : start + _IN]
                    for old in self.reader.rows(model, table.c.uid.in_(chunk)):
                        found[old.uid] = old
            self.by_uid[model] = found

    def _strategy_by_key(self, key: tuple) -> _Old | None:
        if self.strategy_keys is None:
            t = M.Strategy.__table__
            self.strategy_keys = {}
            for id_, title, geography in self.session.execute(
                select(t.c.id, t.c.title, t.c.geography)
                .where(t.c.deleted_at.is_(None))
                .order_by(t.c.id)
            ):
                self.strategy_keys.setdefault((title, tuple(geography or ())), id_)
        id_ = self.strategy_keys.get(key)
        return None if id_ is None else self.reader.by_id(M.Strategy, id_)

    def _organisation(self, name: str) -> _Old | None:
        if self.org_names is None:
            t = M.Organisation.__table__
            self.org_names = {}
            for id_, known in self.session.execute(select(t.c.id, t.c.name).order_by(t.c.id)):
                self.org_names.setdefault(known.lower(), id_)
        id_ = self.org_names.get(name.lower())
        return None if id_ is None else self.reader.by_id(M.Organisation, id_)

    def find(self, op: Op, links: dict[str, Any], old: set[int]) -> _Old | None:
        """The existing record ``op`` is about, or None; ``old``: id() of existing views."""
        model = op.kind.model
        if op.uid is not None and op.uid in self.by_uid.get(model, {}):
            return self.by_uid[model][op.uid]
        if op.match_title_geo:
            return self._strategy_by_key(
                (op.values["title"], tuple(op.values.get("geography") or ()))
            )
        if model is M.Organisation:
            return self._organisation(op.values["name"])
        if model is M.Partner:
            strategy, organisation = links["strategy"], links["organisation"]
            if id(strategy) not in old or id(organisation) not in old:
                return None  # a strategy or organisation new in this import has no partners
            t = M.Partner.__table__
            found = self.reader.rows(
                M.Partner,
                (t.c.strategy_id == strategy.id)
                & (t.c.organisation_id == organisation.id)
                & (t.c.role == op.values["role"]),
            )
            return min(found, key=lambda p: p.id) if found else None
        return None


@dataclass
class _New:
    """A record to create: its kind, its view (see ``crud.NewRecord``) and its parents."""

    kind: Kind
    view: Any
    values: dict[str, Any]
    parents: dict[str, Any]  # relationship name -> the parent's view (its id is known later)

    def record(self) -> crud.NewRecord:
        model = self.kind.model
        columns = {_foreign_key(model, name): p.id for name, p in self.parents.items()}
        return crud.NewRecord(self.view.uid, self.values, columns, self.view)


class _Writer:
    def __init__(
        self,
        session: Session,
        plan: Plan,
        actor: str,
        report: ImportReport,
        cancel: Callable[[], bool] | None,
    ):
        self.session, self.plan, self.actor, self.report = session, plan, actor, report
        self.cancel = cancel
        self.now = utcnow()
        self.total = len(plan.ops)
        self.done = 0
        self.reader = _Reader(session)
        self.views: dict[str, Any] = {}  # ref -> the record as title_of/strategy_of read it
        self.old: set[int] = set()  # id() of the views of records that existed before
        self.new: dict[type, list[_New]] = {}
        self.links: list[Op] = []
        self.tags: list[tuple[Any, type, tuple[str, ...]]] = []

    def step(self, message: str) -> Progress:
        if self.cancel is not None and self.cancel():
            raise ImportCancelled()
        return Progress(self.done, self.total, message)

    def run(self) -> Iterator[Progress]:
        yield self.step("Looking for records that already exist")
        matcher = _Matcher(self.session, self.plan, self.reader)
        for n, op in enumerate(self.plan.ops, start=1):
            if op.action == "link":
                self.links.append(op)
            else:
                self._plan_record(op, matcher)
            if n % CHUNK == 0:
                yield self.step(f"Comparing record {n} of {self.total} with the database")
        for model in sorted(self.new, key=lambda m: _TABLE_ORDER[m.__tablename__]):
            records = self.new[model]
            for start in range(0, len(records), CHUNK):
                chunk = records[start : start + CHUNK]
                yield self.step(f"Importing record {self.done + 1} of {self.total}")
                crud.create_many(
                    self.session, chunk[0].kind, [r.record() for r in chunk], self.actor, self.now
                )
                self.done += len(chunk)
        yield from self._write_links()
        self._write_tags()

    # -- records ---------------------------------------------------------------------------------
    def _plan_record(self, op: Op, matcher: _Matcher) -> None:
        parents = {name: self.views[ref] for name, ref in op.links.items()}
        existing = matcher.find(op, parents, self.old)
        if existing is None:
            view = SimpleNamespace(**op.values, **parents, id=None, uid=op.uid or uuid.uuid4())
            self.new.setdefault(op.kind.model, []).append(_New(op.kind, view, op.values, parents))
            self.report.created[op.kind.entity] += 1
        else:
            view = self._existing(op, existing)
            self.old.add(id(view))
            self.done += 1
        if op.tags:
            self.tags.append((view, op.kind.model, op.tags))
        self.views[op.ref] = view

    def _existing(self, op: Op, existing: _Old) -> Any:
        """Restore and update an existing record as a hand edit does; returns its view."""
        kind, entity = op.kind, op.kind.entity
        wanted = (
            op.values
            if op.provided is None
            else {k: v for k, v in op.values.items() if k in op.provided}
        )
        trashed = kind.trashable and existing.deleted_at is not None
        if not trashed and all(getattr(existing, k, None) == v for k, v in wanted.items()):
            self.report.unchanged[entity] += 1
            return existing
        row = self.session.get(kind.model, existing.id)  # through the ORM, as a hand edit
        if trashed:
            crud.restore(self.session, kind, row.uid, self.actor)
            self.report.warnings.append(
                f"row {op.row}: {entity} '{kind.title_of(row)}' was in the Trash "
                "and has been restored"
            )
        changes = {k: v for k, v in wanted.items() if getattr(row, k, None) != v}
        if changes:
            crud.update(self.session, kind, row.uid, row.version, changes, self.actor)
            self.report.updated[entity] += 1
        else:
            self.report.unchanged[entity] += 1
        return row

    # -- links and tags --------------------------------------------------------------------------
    def _write_links(self) -> Iterator[Progress]:
        """Link sources to strategies (with an audit entry each), as ``evidence.create_link``."""
        pairs: list[tuple[Any, Any]] = []
        both_old = []
        for op in self.links:
            strategy, source = self.views[op.links["strategy"]], self.views[op.links["source"]]
            pairs.append((strategy, source))
            if id(strategy) in self.old and id(source) in self.old:
                both_old.append(source.id)
        linked: set[tuple[int, int]] = set()
        t = M.StrategySource.__table__
        for start in range(0, len(both_old), _IN):
            chunk = both_old[start : start + _IN]
            found = self.session.execute(
                select(t.c.strategy_id, t.c.source_id).where(t.c.source_id.in_(chunk))
            )
            linked.update((strategy_id, source_id) for strategy_id, source_id in found)
        stamps = {"created_at": self.now, "updated_at": self.now, "version": 1}
        for start in range(0, len(pairs), CHUNK):
            yield self.step(f"Linking studies to strategies ({start + 1} of {len(pairs)})")
            rows, entries, strategies = [], [], {}
            for strategy, source in pairs[start : start + CHUNK]:
                if (strategy.id, source.id) in linked:
                    continue
                linked.add((strategy.id, source.id))
                uid = uuid.uuid4()
                rows.append({"strategy_id": strategy.id, "source_id": source.id, "uid": uid})
                entries.append(
                    {
                        "entity_uid": uid,
                        "strategy_uid": strategy.uid,
                        "summary": f"Linked evidence source '{source.title[:80]}' "
                        f"to '{strategy.title}'",
                        "changes": {},
                    }
                )
                strategies[strategy.id] = strategy
            for strategy in strategies.values():
                touch(self.session, "strategy source", strategy)
            crud.insert_rows(self.session, t, rows, stamps, ids=False)
            crud.insert_audit(
                self.session, entries, self.actor, "create", "strategy source", self.now
            )
            self.done += len(pairs[start : start + CHUNK])

    def _write_tags(self) -> None:
        """Add the file's tags to records (never removing any), as the services' ``_set_tags``."""
        if not self.tags:
            return
        current: dict[tuple[type, int], set[str]] = {}
        for model, link in _TAG_LINKS.items():
            owner, tag = list(link.c)
            ids = [v.id for v, m, _ in self.tags if m is model and id(v) in self.old]
            for start in range(0, len(ids), _IN):
                for owner_id, name in self.session.execute(
                    select(owner, M.Tag.name)
                    .join(M.Tag, M.Tag.id == tag)
                    .where(owner.in_(ids[start : start + _IN]))
                ):
                    current.setdefault((model, owner_id), set()).add(name)
        wanted = {n for _, _, names in self.tags for n in names}
        tag_ids = self._tag_ids(sorted(wanted))
        rows: dict[Table, list[dict]] = {}
        for view, model, names in self.tags:
            have = current.setdefault((model, view.id), set())
            link = _TAG_LINKS[model]
            owner, tag = list(link.c)
            for name in sorted(set(names) - have):
                have.add(name)
                rows.setdefault(link, []).append({owner.key: view.id, tag.key: tag_ids[name]})
        for link, values in rows.items():
            self.session.execute(insert(link), values)

    def _tag_ids(self, names: list[str]) -> dict[str, int]:
        """Tags by name, creating the missing ones.

        Where names repeat (imported hierarchies), the top-level tag, else the oldest; the
        services' ``_set_tags`` takes whichever the database lists last.
        """
        t = M.Tag.__table__
        found: dict[str, int] = {}
        for start in range(0, len(names), _IN):
            for id_, name in self.session.execute(
                select(t.c.id, t.c.name)
                .where(t.c.name.in_(names[start : start + _IN]))
                .order_by(t.c.parent_id.is_not(None), t.c.id)
            ):
                found.setdefault(name, id_)
        missing = [n for n in names if n not in found]
        stamps = {"created_at": self.now, "updated_at": self.now, "version": 1}
        rows = [{"name": n, "uid": uuid.uuid4()} for n in missing]
        by_uid = crud.insert_rows(self.session, t, rows, stamps)
        found.update({r["name"]: by_uid[r["uid"]] for r in rows})
        return found


def apply_plan(
    session: Session,
    plan: Plan,
    actor: str,
    report: ImportReport,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[Progress]:
    """Write the plan's operations, yielding progress; raises ImportCancelled."""
    writer = _Writer(session, plan, actor, report, cancel)
    yield from writer.run()
    writer.done = writer.total
    yield writer.step("Saving")  # Cancel pressed during the last batch still undoes it all
