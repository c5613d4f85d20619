"""Check Database: SQLite's own checks plus the app's consistency rules, and a safe repair.

The checks never change anything. A repair always takes a verified backup first, fixes only
what can be fixed without guessing (derived data, links implied by other records, rows that
point at nothing), and says what it did; a second check then comes back clean of those.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import delete, exists, select, text
from sqlalchemy.orm import Session, selectinload

from evidencetracker.db import models as M
from evidencetracker.domain import rubric
from evidencetracker.services.backups import BackupInfo, BackupService
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.ratings import rate, recompute_strategies


@dataclass(frozen=True)
class Problem:
    """One thing the check found, in words, and whether Repair can fix it."""

    code: str
    message: str
    repairable: bool


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...]
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def repairable(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.repairable)


@dataclass(frozen=True)
class RepairReport:
    backup: BackupInfo | None  # taken before anything changed
    actions: tuple[str, ...]
    after: CheckReport


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class IntegrityService:
    """Quick check on open, full check on demand, and repair after a backup."""

    def __init__(self, ctx: ServiceContext, backups: BackupService | None = None):
        self.ctx = ctx
        self.backups = backups or BackupService(ctx.db)

    @property
    def _sqlite(self) -> bool:
        return self.ctx.db.is_sqlite

    def quick_check(self) -> list[str]:
        """SQLite's ``quick_check`` (fast, run when a database opens); empty means ok."""
        if not self._sqlite:
            return []
        with self.ctx.db.engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
        return [r[0] for r in rows if r[0] != "ok"]

    def check(self) -> CheckReport:
        """The full check: ``integrity_check``, ``foreign_key_check`` and the app's rules."""
        problems: list[Problem] = []
        if self._sqlite:
            with self.ctx.db.engine.connect() as conn:
                for (message,) in conn.exec_driver_sql("PRAGMA integrity_check"):
                    if message != "ok":
                        problems.append(
                            Problem(
                                "sqlite",
                                f"SQLite: {message}. Restore the newest backup.",
                                False,
                            )
                        )
                if problems:  # the app's rules would read damaged pages
                    return CheckReport(tuple(problems))
                for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                    problems.append(
                        Problem(
                            "foreign-key",
                            f"Row {rowid} of {table} refers to a {parent} row that does not exist.",
                            True,
                        )
                    )
        with self.ctx.read() as session:
            problems += _unlinked_sources(session)
            problems += _stale_ratings(session)
            problems += _orphan_tags(session)
            problems += _bad_attachments(session)
        return CheckReport(tuple(problems))

    def repair(self) -> RepairReport:
        """Back up, then fix what is safely repairable, then check again.

        Raises:
            StorageError: the backup could not be taken; nothing was changed.
        """
        backup = self.backups.before("repair")
        actions: list[str] = []
        with self.ctx.write("repair database") as session:
            if self._sqlite:
                actions += _repair_foreign_keys(session)
            actions += _relink_sources(session)
            actions += _remove_orphan_tags(session)
            ids = list(session.scalars(select(M.Strategy.id)))
            stale = len(_stale_ratings(session))
            recompute_strategies(session, ids)
            if stale:
                actions.append(f"Recomputed the ratings of {len(ids)} strategies ({stale} stale).")
        return RepairReport(backup, tuple(actions), self.check())


# -- the app's rules ----------------------------------------------------------------------------
def _unlinked_pairs(session: Session) -> list[tuple[int, int, str, str]]:
    """Findings whose source is not attached to the strategy of the finding's outcome."""
    linked = exists().where(
        M.StrategySource.strategy_id == M.Outcome.strategy_id,
        M.StrategySource.source_id == M.Finding.source_id,
    )
    stmt = (
        select(M.Outcome.strategy_id, M.Finding.source_id, M.Strategy.title, M.EvidenceSource.title)
        .join(M.Outcome, M.Outcome.id == M.Finding.outcome_id)
        .join(M.Strategy, M.Strategy.id == M.Outcome.strategy_id)
        .join(M.EvidenceSource, M.EvidenceSource.id == M.Finding.source_id)
        .where(~linked)
        .distinct()
    )
    return [tuple(r) for r in session.execute(stmt)]


def _unlinked_sources(session: Session) -> list[Problem]:
    return [
        Problem(
            "unlinked-source",
            f"Source '{source}' has findings on strategy '{strategy}' but is not attached to it.",
            True,
        )
        for _s, _e, strategy, source in _unlinked_pairs(session)
    ]


def _relink_sources(session: Session) -> list[str]:
    pairs = _unlinked_pairs(session)
    for strategy_id, source_id, _t, _e in pairs:
        session.add(M.StrategySource(strategy_id=strategy_id, source_id=source_id))
    session.flush()
    return [f"Attached source '{e}' to strategy '{t}'." for _s, _i, t, e in pairs]


def _stale_ratings(session: Session) -> list[Problem]:
    """Stored ratings that differ from what the rubric computes from the stored evidence."""
    problems = []
    strategies = session.scalars(
        select(M.Strategy).options(
            selectinload(M.Strategy.outcomes).selectinload(M.Outcome.findings),
            selectinload(M.Strategy.outcomes).selectinload(M.Outcome.rating),
            selectinload(M.Strategy.outcomes).selectinload(M.Outcome.overrides),
        )
    )
    for strategy in strategies:
        pairs = []
        stale_outcomes = 0
        for outcome in strategy.outcomes:
            result = rate(outcome)
            stored = outcome.rating
            if (
                stored is None
                or stored.level != result.level
                or stored.certainty != result.certainty
            ):
                stale_outcomes += 1
            if outcome.deleted_at is not None:
                continue
            override = next((o for o in reversed(outcome.overrides) if o.active), None)
            if override is not None:
                result = replace(result, level=override.level, certainty=override.certainty)
            pairs.append((outcome.primary, result))
        top = rubric.headline(pairs)
        headline_wrong = (
            strategy.headline_level != top.level
            or strategy.headline_certainty != top.certainty
            or bool(strategy.harm_flag) != bool(top.harm)
        )
        if headline_wrong or stale_outcomes:
            problems.append(
                Problem(
                    "stale-rating",
                    f"The stored rating of strategy '{strategy.title}' does not match its "
                    f"evidence (headline {strategy.headline_level.label}, computed "
                    f"{top.level.label}; {stale_outcomes} outcome rating(s) out of date).",
                    True,
                )
            )
    return problems


def _orphan_tag_ids(session: Session) -> list[tuple[int, str]]:
    used = select(M.strategy_tags.c.tag_id).union(select(M.source_tags.c.tag_id))
    parents = select(M.Tag.parent_id).where(M.Tag.parent_id.isnot(None))
    stmt = select(M.Tag.id, M.Tag.name).where(M.Tag.id.not_in(used), M.Tag.id.not_in(parents))
    return [tuple(r) for r in session.execute(stmt)]


def _orphan_tags(session: Session) -> list[Problem]:
    return [
        Problem("orphan-tag", f"Tag '{name}' is used by no strategy or source.", True)
        for _id, name in _orphan_tag_ids(session)
    ]


def _remove_orphan_tags(session: Session) -> list[str]:
    orphans = _orphan_tag_ids(session)
    if orphans:
        session.execute(delete(M.Tag).where(M.Tag.id.in_([i for i, _n in orphans])))
    return [f"Removed unused tag '{name}'." for _i, name in orphans]


def _bad_attachments(session: Session) -> list[Problem]:
    problems = []
    for uid, filename, digest in session.execute(
        select(M.Attachment.uid, M.Attachment.filename, M.Attachment.sha256)
    ):
        data = session.scalar(select(M.Attachment.data).where(M.Attachment.uid == uid))
        if hashlib.sha256(data or b"").hexdigest() != digest:
            problems.append(
                Problem(
                    "attachment-checksum",
                    f"Attachment '{filename}' is damaged (its checksum does not match). "
                    "Attach the file again, or restore it from a backup.",
                    False,
                )
            )
    return problems


def _repair_foreign_keys(session: Session) -> list[str]:
    """Rows pointing at nothing: a nullable SET NULL link is cleared, anything else removed."""
    actions = []
    for _round in range(5):  # removing a row can orphan its own children (no cascade without FK)
        rows = session.execute(text("PRAGMA foreign_key_check")).fetchall()
        if not rows:
            break
        for table, rowid, parent, fk_id in rows:
            fks = session.execute(text(f"PRAGMA foreign_key_list({_quote(table)})")).fetchall()
            fk = next((f for f in fks if f[0] == fk_id), None)
            if fk is not None and str(fk[6]).upper() == "SET NULL":
                session.execute(
                    text(f"UPDATE {_quote(table)} SET {_quote(fk[3])} = NULL WHERE rowid = :r"),
                    {"r": rowid},
                )
                actions.append(f"Cleared the broken link of row {rowid} of {table} to {parent}.")
            else:
                session.execute(text(f"DELETE FROM {_quote(table)} WHERE rowid = :r"), {"r": rowid})
                actions.append(f"Removed row {rowid} of {table}: its {parent} does not exist.")
    session.expire_all()
    return actions
