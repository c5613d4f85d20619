"""The audit trail and the Trash."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from evidencetracker.db import models as M
from evidencetracker.domain import records as R
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.purge import install as install_purge_wiping

TRASHABLE = {"strategy": K.STRATEGY, "outcome": K.OUTCOME, "evidence source": K.EVIDENCE_SOURCE}


class HistoryService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx
        # Purging (from here or any service) also wipes the audit text, the search index and
        # the WAL's old pages; see services/purge.py.
        install_purge_wiping(ctx.db, ctx.before_commit)

    def for_strategy(self, strategy_uid: Any, limit: int = 1000) -> list[R.AuditRecord]:
        """Every change recorded against a strategy and what it holds, newest first."""
        key = crud.parse_uid(strategy_uid, "strategy")
        stmt = (
            select(M.AuditEntry)
            .where((M.AuditEntry.strategy_uid == key) | (M.AuditEntry.entity_uid == key))
            .order_by(M.AuditEntry.id.desc())
            .limit(limit)
        )
        with self.ctx.read() as session:
            return [_audit_record(a) for a in session.scalars(stmt)]

    def recent(self, limit: int = 200) -> list[R.AuditRecord]:
        stmt = select(M.AuditEntry).order_by(M.AuditEntry.id.desc()).limit(limit)
        with self.ctx.read() as session:
            return [_audit_record(a) for a in session.scalars(stmt)]

    def trash(self) -> list[R.TrashItem]:
        """Everything in the Trash, most recently deleted first."""
        items: list[R.TrashItem] = []
        with self.ctx.read() as session:
            for s in session.scalars(select(M.Strategy).where(M.Strategy.deleted_at.isnot(None))):
                items.append(R.TrashItem("strategy", s.uid, s.title, s.deleted_at))
            for o in session.scalars(select(M.Outcome).where(M.Outcome.deleted_at.isnot(None))):
                items.append(R.TrashItem("outcome", o.uid, o.title, o.deleted_at, o.strategy.title))
            for e in session.scalars(
                select(M.EvidenceSource).where(M.EvidenceSource.deleted_at.isnot(None))
            ):
                items.append(R.TrashItem("evidence source", e.uid, e.title, e.deleted_at))
        return sorted(items, key=lambda i: i.deleted_at, reverse=True)

    def restore(self, item: R.TrashItem) -> None:
        with self.ctx.write(f"restore {item.entity_type}") as session:
            crud.restore(session, TRASHABLE[item.entity_type], item.uid, self.ctx.author())

    def purge(self, item: R.TrashItem) -> None:
        """Delete for good: the record, its audit text and its search-index entries."""
        with self.ctx.write(f"purge {item.entity_type}") as session:
            crud.purge(session, TRASHABLE[item.entity_type], item.uid, self.ctx.author())

    def empty_trash(self) -> int:
        """Purge everything in the Trash in one transaction; returns how many items went."""
        items = self.trash()
        with self.ctx.write("empty trash") as session:
            for item in items:
                crud.purge(session, TRASHABLE[item.entity_type], item.uid, self.ctx.author())
        return len(items)

    def tombstones(self) -> list[tuple[str, Any, int]]:
        with self.ctx.read() as session:
            return [
                (t.entity_type, t.entity_uid, t.last_version)
                for t in session.scalars(select(M.Tombstone).order_by(M.Tombstone.id))
            ]


def _audit_record(a: M.AuditEntry) -> R.AuditRecord:
    return R.AuditRecord(
        a.at, a.author, a.action, a.entity_type, a.entity_uid, a.summary, a.changes or {}
    )
