"""Sync between this database and another (the team database): both sides all-or-nothing.

The order of the two commits makes an interruption safe. The remote side is written and
committed first; the local side (merged records and the new ancestors) commits second. If the
process dies between the two, the local database is as it was and its ancestors are the old
ones, so the next sync sees the remote already holding the merged state and simply completes
the local side: merging is idempotent, and conflict ids are derived from their content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evidencetracker.services.context import ServiceContext
from evidencetracker.services.sync import store
from evidencetracker.services.sync.merge import merge

Progress = Callable[[str, int], None]  # (what is happening, percent done)


@dataclass(frozen=True)
class SyncReport:
    """What one sync or bundle merge did, for the person who ran it."""

    peer: str
    pulled: int  # rows written in this database
    pushed: int  # rows written in the other database (0 for a bundle)
    new_conflicts: int
    open_conflicts: int

    @property
    def changed_nothing(self) -> bool:
        return self.pulled == 0 and self.pushed == 0

    def summary(self) -> str:
        if self.changed_nothing and not self.new_conflicts:
            text = f"Already in step with {self.peer}: nothing to exchange."
        else:
            text = (
                f"Exchanged with {self.peer}: {self.pulled} rows updated here, "
                f"{self.pushed} rows sent."
            )
        if self.new_conflicts:
            text += f" {self.new_conflicts} new conflicts to decide."
        if self.open_conflicts:
            text += f" {self.open_conflicts} conflicts open in all."
        return text


def _quiet(_what: str, _percent: int) -> None:
    return None


class SyncService:
    """Sync this database with another EvidenceTracker database (a PostgreSQL team database)."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def replica_id(self) -> str:
        with self.ctx.write("Replica id") as session:
            return store.replica_uid(session)

    def sync(
        self, remote: str | Path | ServiceContext, progress: Progress | None = None
    ) -> SyncReport:
        """Push local changes to ``remote`` and pull its changes, merging both ways.

        Args:
            remote: a database URL or path (opened, and created or upgraded, if needed) or the
                ServiceContext of an already open database.
            progress: called with a description and a percentage as the sync goes.

        Returns:
            What was exchanged and how many conflicts are open.

        Raises:
            SyncRaceError: the other database changed during the sync (nothing was changed).
            StorageError, DatabaseError: a database cannot be reached or written (nothing was
                changed on that side; a later sync completes the exchange).
        """
        report = progress or _quiet
        if isinstance(remote, ServiceContext):
            return self._sync(remote, report)
        from evidencetracker.services.container import Services

        report("Opening the team database", 0)
        other = Services.open(remote, author=self.ctx.author)
        try:
            return self._sync(other.ctx, report)
        finally:
            other.close()

    def _sync(self, other: ServiceContext, report: Progress) -> SyncReport:
        peer_name = other.db.display_name
        with self.ctx.write(f"Sync with {peer_name}") as mine:
            local_replica = store.replica_uid(mine)
            store.lock_for_merge(mine)
            report("Reading this database", 10)
            local = store.read_changeset(mine, local_replica)
            with other.write(f"Sync from {self.ctx.db.display_name}") as theirs:
                remote_replica = store.replica_uid(theirs)
                store.lock_for_merge(theirs)
                if remote_replica == local_replica:
                    from evidencetracker.domain.errors import ServiceError

                    raise ServiceError(
                        "Both databases have the same replica id (one is a file copy of the "
                        "other); sync needs two distinct databases."
                    )
                report("Reading the team database", 30)
                remote = store.read_changeset(theirs, remote_replica)
                base = store.read_base(mine, remote_replica)
                report("Merging", 50)
                result = merge(base, local, remote)
                lookup = store.strategy_lookup(result.records, local.records, remote.records)
                report("Writing the team database", 60)
                pushed = store.apply_writes(
                    theirs,
                    result.remote,
                    before=remote,
                    peer_name=self.ctx.db.display_name,
                    where=peer_name,
                    strategy_of=lookup,
                )
            # The remote side is committed; now this side, ancestors last (see module docstring).
            report("Writing this database", 80)
            pulled = store.apply_writes(
                mine,
                result.local,
                before=local,
                peer_name=peer_name,
                where="this database",
                strategy_of=lookup,
            )
            store.write_base(mine, remote_replica, result.base, peer_name)
            open_count = sum(
                1
                for uid, c in {**local.conflicts, **result.local.conflicts}.items()
                if c.status == "open"
            )
        report("Done", 100)
        return SyncReport(peer_name, pulled, pushed, len(result.new_conflicts), open_count)
