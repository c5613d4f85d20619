"""Check Database: SQLite's checks and the app's rules; repair only after a backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from evidencetracker.services.container import Services
from evidencetracker.services.integrity import IntegrityService
from evidencetracker.services.sample import load_sample


def _raw(db_path: Path, *statements: str) -> None:
    """Change the file behind the app's back, foreign keys off (as Zotero's test does)."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys=OFF")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_a_sound_database_passes_every_check(services: Services):
    load_sample(services)
    integrity = IntegrityService(services.ctx)
    assert integrity.quick_check() == []
    assert integrity.check().problems == ()


def test_an_orphan_row_is_reported_backed_up_then_repaired(services: Services, db_path: Path):
    load_sample(services)
    _raw(
        db_path,
        "INSERT INTO notes (strategy_id, body, author, confidential, uid, created_at, "
        "updated_at, version) VALUES (99999, 'orphan', '', 0, 'abcdefabcdefabcdefabcdefabcdef12', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
    )
    integrity = IntegrityService(services.ctx)
    report = integrity.check()
    assert [p.code for p in report.problems] == ["foreign-key"]
    assert "notes" in report.problems[0].message and report.problems[0].repairable
    result = integrity.repair()
    assert result.backup is not None and result.backup.reason == "before-repair"
    # The backup holds the state before the repair, orphan included.
    conn = sqlite3.connect(result.backup.path)
    assert conn.execute("SELECT count(*) FROM notes WHERE body = 'orphan'").fetchone()[0] == 1
    conn.close()
    assert any("Removed row" in a for a in result.actions)
    assert result.after.ok
    assert integrity.check().ok  # a second run comes back clean


def test_stale_ratings_unlinked_sources_and_orphan_tags_are_repaired(
    services: Services, db_path: Path
):
    load_sample(services)
    with services.ctx.read() as session:
        strategy_id, source_id = session.execute(
            text(
                "SELECT o.strategy_id, f.source_id FROM findings f "
                "JOIN outcomes o ON o.id = f.outcome_id LIMIT 1"
            )
        ).one()
    _raw(
        db_path,
        "UPDATE strategies SET headline_level = 'harmful' WHERE id = (SELECT min(id) FROM "
        "strategies WHERE headline_level != 'harmful')",
        f"DELETE FROM strategy_sources WHERE strategy_id = {strategy_id} "
        f"AND source_id = {source_id}",
        "INSERT INTO tags (name, description, uid, created_at, updated_at, version) VALUES "
        "('unused tag', '', '0123456789abcdef0123456789abcdef', '2026-01-01', '2026-01-01', 1)",
    )
    integrity = IntegrityService(services.ctx)
    codes = sorted({p.code for p in integrity.check().problems})
    assert codes == ["orphan-tag", "stale-rating", "unlinked-source"]
    result = integrity.repair()
    assert result.after.ok, result.after.problems
    assert any("Attached source" in a for a in result.actions)
    assert any("unused tag" in a for a in result.actions)
    assert integrity.check().ok


def test_a_damaged_attachment_is_reported_but_not_repaired(services: Services, db_path: Path):
    load_sample(services)
    uid = services.strategies.list()[0].uid
    services.attachments.add(b"report bytes", {"filename": "report.txt"}, strategy_uid=uid)
    _raw(db_path, "UPDATE attachments SET data = X'00'")
    report = IntegrityService(services.ctx).check()
    assert [(p.code, p.repairable) for p in report.problems] == [("attachment-checksum", False)]
    assert "report.txt" in report.problems[0].message
