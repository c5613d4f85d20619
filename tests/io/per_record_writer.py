"""Applying an import plan one record at a time, through the crud machinery: the reference.

Every record goes through ``crud.create`` / ``crud.update``, so validation, the audit trail and
rating recomputation (which the transaction's before-commit hook runs) are those of a hand edit.
The app imports with the bulk writer (``services/importing/writer.py``), which does the same job
with a few statements per table; this one, the app's writer until then, is kept here as its
specification: tests import the same files both ways and compare the databases. It flushes
once per record, so it is slow for large files (10,000 WWC findings took 37 s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evidencetracker.db import models as M
from evidencetracker.services import crud
from evidencetracker.services.evidence import _link, create_link
from evidencetracker.services.evidence import _set_tags as _set_source_tags
from evidencetracker.services.importing.plan import (
    ImportCancelled,
    ImportReport,
    Op,
    Plan,
    Progress,
)
from evidencetracker.services.strategies import _set_tags as _set_strategy_tags

PROGRESS_EVERY = 50


class _Known:
    """What already exists, read in a few queries, so new records need no lookup each."""

    def __init__(self, session: Session, plan: Plan):
        self.uids: set = set()
        by_model: dict[Any, list] = {}
        for op in plan.ops:
            if op.uid is not None:
                by_model.setdefault(op.kind.model, []).append(op.uid)
        for model, uids in by_model.items():
            for start in range(0, len(uids), 500):
                chunk = uids[start : start + 500]
                self.uids.update(session.scalars(select(model.uid).where(model.uid.in_(chunk))))
        self.strategy_keys: set = set()
        if any(op.match_title_geo for op in plan.ops):
            self.strategy_keys = {
                (title, tuple(geo or ()))
                for title, geo in session.execute(
                    select(M.Strategy.title, M.Strategy.geography).where(
                        M.Strategy.deleted_at.is_(None)
                    )
                )
            }
        self.org_names: set[str] = set()
        if any(op.kind.model is M.Organisation for op in plan.ops if op.action == "record"):
            self.org_names = {n.lower() for n in session.scalars(select(M.Organisation.name))}
        self.old_rows: set[int] = set()  # id() of rows that existed before this import


def _find(session: Session, op: Op, links: dict[str, Any], known: _Known) -> Any:
    model = op.kind.model
    if op.uid is not None and op.uid in known.uids:
        return session.scalar(select(model).where(model.uid == op.uid))
    if op.match_title_geo:
        key = (op.values["title"], tuple(op.values.get("geography") or ()))
        if key not in known.strategy_keys:
            return None
        return session.scalar(
            select(M.Strategy)
            .where(
                M.Strategy.title == op.values["title"],
                M.Strategy.geography == key[1],
                M.Strategy.deleted_at.is_(None),
            )
            .order_by(M.Strategy.id)
            .limit(1)
        )
    if model is M.Organisation:
        if op.values["name"].lower() not in known.org_names:
            return None
        return session.scalar(
            select(M.Organisation).where(
                func.lower(M.Organisation.name) == op.values["name"].lower()
            )
        )
    if model is M.Partner:
        if id(links["strategy"]) not in known.old_rows:
            return None  # a strategy created by this import has no partners yet
        return session.scalar(
            select(M.Partner).where(
                M.Partner.strategy_id == links["strategy"].id,
                M.Partner.organisation_id == links["organisation"].id,
                M.Partner.role == op.values["role"],
            )
        )
    return None


def _link_new(session: Session, strategy: Any, source: Any, actor: str, known: _Known) -> None:
    if id(strategy) in known.old_rows and id(source) in known.old_rows:
        _link(session, strategy, source, actor)  # both existed: the link may exist too
        return
    create_link(session, strategy, source, actor)


def apply_plan_per_record(
    session: Session,
    plan: Plan,
    actor: str,
    report: ImportReport,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[Progress]:
    """Write the plan's operations in order, yielding progress; raises ImportCancelled."""
    rows: dict[str, Any] = {}
    known = _Known(session, plan)
    total = len(plan.ops)
    for n, op in enumerate(plan.ops):
        if cancel is not None and cancel():
            raise ImportCancelled()
        if n % PROGRESS_EVERY == 0:
            yield Progress(n, total, f"Importing record {n + 1} of {total}")
        if op.action == "link":
            _link_new(session, rows[op.links["strategy"]], rows[op.links["source"]], actor, known)
            continue
        links = {name: rows[ref] for name, ref in op.links.items()}
        existing = _find(session, op, links, known)
        entity = op.kind.entity
        if existing is None:
            extra = {"uid": op.uid} if op.uid is not None else {}
            row = crud.create(session, op.kind, op.values, actor, **links, **extra)
            report.created[entity] += 1
        else:
            row = existing
            known.old_rows.add(id(row))
            if op.kind.trashable and existing.deleted_at is not None:
                crud.restore(session, op.kind, existing.uid, actor)
                report.warnings.append(
                    f"row {op.row}: {entity} '{op.kind.title_of(existing)}' was in the Trash "
                    "and has been restored"
                )
            wanted = (
                op.values
                if op.provided is None
                else {k: v for k, v in op.values.items() if k in op.provided}
            )
            changes = {k: v for k, v in wanted.items() if getattr(existing, k, None) != v}
            if changes:
                crud.update(session, op.kind, existing.uid, existing.version, changes, actor)
                report.updated[entity] += 1
            else:
                report.unchanged[entity] += 1
        if op.tags:
            current = {t.name for t in row.tags}
            if not set(op.tags) <= current:
                setter = _set_strategy_tags if isinstance(row, M.Strategy) else _set_source_tags
                setter(session, row, sorted(current | set(op.tags)))
        rows[op.ref] = row
    yield Progress(total, total, "Saving")
