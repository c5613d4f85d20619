"""Nothing leaked: purged text leaves the file, the WAL and the search index; encryption."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from evidencetracker.db.errors import WrongPassphraseError
from evidencetracker.services.backups import BackupService
from evidencetracker.services.container import Services
from evidencetracker.services.purge import checkpoint_wal, fts_tables
from tests.reliability.conftest import STRATEGY, byte_hits

CANARY = "zqxcanary7731"


def _files(db_path: Path) -> list[Path]:
    return [db_path, db_path.with_name(db_path.name + "-wal")]


def test_the_safety_pragmas_are_in_effect(services: Services):
    with services.db.engine.connect() as conn:
        values = {
            p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("secure_delete", "synchronous", "foreign_keys", "journal_mode", "temp_store")
        }
    assert values == {
        "secure_delete": 1,
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "journal_mode": "wal",
        "temp_store": 2,  # MEMORY
    }


def test_a_purged_strategy_leaves_no_trace_in_file_wal_audit_or_search_index(
    services: Services, db_path: Path
):
    keep = services.strategies.create({**STRATEGY, "title": "kept", "description": "harmless"})
    doomed = services.strategies.create(
        {**STRATEGY, "title": f"Case {CANARY}", "description": f"survivor {CANARY} story"}
    )
    services.strategies.update(doomed.uid, doomed.version, {"summary": f"about {CANARY}"})
    checkpoint_wal(services.db)
    assert sum(byte_hits(_files(db_path), CANARY.encode()).values()) > 0  # the scan works
    services.strategies.trash(doomed.uid)
    item = next(i for i in services.history.trash() if i.uid == doomed.uid)
    services.history.purge(item)
    with services.ctx.read() as session:
        tables = fts_tables(session)
    checkpoint_wal(services.db)
    hits = byte_hits(_files(db_path), CANARY.encode())
    assert hits[db_path.name] == 0 and set(hits.values()) == {0}
    assert services.strategies.count() == 1 and keep.uid
    if tables:  # the search index (migration 0003) no longer finds it
        conn = sqlite3.connect(db_path)
        found = conn.execute(
            "SELECT count(*) FROM strategies_fts WHERE strategies_fts MATCH ?", (CANARY,)
        ).fetchone()[0]
        conn.close()
        assert found == 0
    audit = services.history.for_strategy(doomed.uid)
    assert audit and all(CANARY not in (a.summary + str(a.changes)) for a in audit)


needs_sqlcipher = pytest.mark.skipif(
    importlib.util.find_spec("sqlcipher3") is None,
    reason="sqlcipher3 is not installed (optional: pip install 'evidencetracker[encryption]')",
)


@needs_sqlcipher
def test_an_encrypted_database_and_its_backups_hold_no_plaintext(tmp_path: Path):
    db_path = tmp_path / "secret.sqlite"
    passphrase = "correct horse battery staple"
    services = Services.open(db_path, author="Tester", key=passphrase)
    try:
        services.strategies.create({**STRATEGY, "title": f"Case {CANARY}"})
        info = BackupService(services.db).backup_now()
        assert info.encrypted and info.strategies == 1
        assert passphrase not in repr(services.db) + repr(services.db.engine)
        assert passphrase not in services.db.url
        with services.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall() == []
        scanned = [*_files(db_path), info.path, *tmp_path.rglob("*.tmp")]
        assert set(byte_hits(scanned, CANARY.encode()).values()) == {0}
        assert db_path.read_bytes()[:16] != b"SQLite format 3\x00"
    finally:
        services.close()
    reopened = Services.open(db_path, key=passphrase)
    assert reopened.strategies.count() == 1
    reopened.close()
    with pytest.raises(WrongPassphraseError, match="passphrase does not open"):
        Services.open(db_path, key="wrong passphrase")
    with pytest.raises(Exception, match="encrypted database, open it with its passphrase"):
        Services.open(db_path)
