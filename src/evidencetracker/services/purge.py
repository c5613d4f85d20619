"""What "delete permanently" must also wipe: the audit trail's copies of the text, the
full-text index's copies, and the old page images left in the write-ahead log.

``secure_delete`` (set on every connection) zeroes the freed space in the database file; this
module removes the copies that live elsewhere.
"""

from __future__ import annotations

from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session

from evidencetracker.db import models as M
from evidencetracker.db.engine import Database


def _note_tombstones(session: Session, _context: object, _instances: object) -> None:
    # Before each flush: the uids of records being purged (each purge writes a tombstone).
    uids = {obj.entity_uid for obj in session.new if isinstance(obj, M.Tombstone)}
    if uids:
        session.info.setdefault("purged_uids", set()).update(uids)


def purged_uids(session: Session) -> set:
    """The uids of every record purged so far in this session's transaction."""
    return set(session.info.get("purged_uids", ()))


def wipe_purged(session: Session) -> None:
    """The before-commit hook: scrub the audit text and the search index of purged records."""
    uids = purged_uids(session)
    if uids:
        scrub_audit(session, uids)
        optimize_search_index(session)


def install(db: Database, before_commit: list) -> None:
    """Make every purge through these sessions wipe its copies, whichever service purges.

    Registers a flush listener that notes purged records, the before-commit hook that wipes
    them, and an after-commit WAL checkpoint; installing twice has no further effect.
    """
    if getattr(db.sessions, "_purge_wiping", False):
        return
    event.listen(db.sessions, "before_flush", _note_tombstones)

    def _after_commit(session: Session) -> None:
        if session.info.pop("purged_uids", None):
            checkpoint_wal(db)

    event.listen(db.sessions, "after_commit", _after_commit)
    before_commit.append(wipe_purged)
    db.sessions._purge_wiping = True  # type: ignore[attr-defined]


def scrub_audit(session: Session, uids: set) -> int:
    """Drop the purged records' text from the audit trail, keeping who did what and when.

    Audit entries of a create or an update hold every value written; left alone they would
    keep a purged record readable.
    """
    if not uids:
        return 0
    session.flush()
    ids = list(session.scalars(select(M.AuditEntry.id).where(M.AuditEntry.entity_uid.in_(uids))))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(
            update(M.AuditEntry)
            .where(M.AuditEntry.id.in_(chunk))
            .values(summary="(permanently deleted record)", changes={})
        )
    return len(ids)


def fts_tables(session: Session) -> list[str]:
    """The FTS5 tables of this SQLite database (none on PostgreSQL or without FTS5)."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    rows = session.execute(
        text("SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE '%USING fts5%'")
    )
    return [r[0] for r in rows]


def optimize_search_index(session: Session) -> list[str]:
    """Merge each FTS5 index into one segment, so deleted rows' terms leave the file.

    FTS5 records a delete as a marker; the old segment, with the deleted text's terms, stays
    until a merge. 'optimize' rewrites the index without them, and ``secure_delete`` zeroes the
    pages the old segments used.
    """
    tables = fts_tables(session)
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        session.execute(text(f"INSERT INTO {quoted}({quoted}) VALUES ('optimize')"))
    return tables


def checkpoint_wal(db: Database) -> bool:
    """Copy the WAL into the database and truncate it to zero bytes (old page images gone).

    Returns False when another connection kept the checkpoint from finishing; the WAL is then
    truncated at a later checkpoint.
    """
    if not db.is_sqlite:
        return True
    with db.engine.connect() as conn:
        busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
