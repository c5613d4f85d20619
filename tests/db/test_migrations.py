"""Opening databases: new, from every earlier schema revision, newer, foreign, damaged."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from evidencetracker.db.backup import check_sqlite_file
from evidencetracker.db.errors import NewerSchemaError, NotADatabaseError
from evidencetracker.db.migrate import default_backup_dir, head_revision, known_revisions
from evidencetracker.services.container import Services

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def test_a_new_database_is_created_at_the_newest_schema(db_path: Path):
    svc = Services.open(db_path)
    try:
        assert _revision(db_path) == head_revision()
        with svc.db.engine.connect() as conn:
            pragmas = [
                conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in ("foreign_keys", "journal_mode", "synchronous", "secure_delete")
            ]
        assert pragmas == [1, "wal", 2, 1]  # synchronous=FULL is 2
        assert not default_backup_dir(db_path).exists()  # nothing to back up when new
    finally:
        svc.close()


def test_every_revision_has_a_saved_fixture():
    saved = sorted(p.stem for p in FIXTURES.glob("*.sqlite"))
    assert saved == known_revisions()


@pytest.mark.parametrize("revision", [r for r in known_revisions() if r != head_revision()])
def test_an_older_database_is_backed_up_then_upgraded(revision: str, tmp_path: Path):
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / f"{revision}.sqlite", db)
    svc = Services.open(db, author="Tester")
    try:
        assert _revision(db) == head_revision()
        # Nothing was lost: the sample's ten strategies and their evidence are all there.
        assert svc.strategies.count() == 10
        assert sum(s.source_count for s in svc.strategies.list()) > 0
        with svc.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert set(inspect(conn).get_table_names()) >= {"strategies", "comparison_sets"}
    finally:
        svc.close()
    backups = list(default_backup_dir(db).glob(f"*before-upgrade-{revision}-*.sqlite"))
    assert len(backups) == 1
    assert check_sqlite_file(backups[0]) == []
    assert _revision(backups[0]) == revision
    # The backup opens as the old database, byte-for-byte the same content as before.
    conn = sqlite3.connect(backups[0])
    assert conn.execute("SELECT count(*) FROM strategies").fetchone()[0] == 10
    conn.close()


def test_the_newest_fixture_opens_without_a_backup(tmp_path: Path):
    db = tmp_path / "head.sqlite"
    shutil.copy(FIXTURES / f"{head_revision()}.sqlite", db)
    Services.open(db).close()
    assert not default_backup_dir(db).exists()


def test_a_database_from_a_newer_app_is_refused_untouched(tmp_path: Path):
    db = tmp_path / "future.sqlite"
    shutil.copy(FIXTURES / f"{head_revision()}.sqlite", db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = _digest(db)
    with pytest.raises(NewerSchemaError, match="newer version of EvidenceTracker"):
        Services.open(db)
    assert _digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.sqlite"]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path):
    junk = tmp_path / "notes.sqlite"
    junk.write_bytes(b"These are my notes, not a database.\n" * 100)
    before = _digest(junk)
    with pytest.raises(NotADatabaseError, match="not an EvidenceTracker database"):
        Services.open(junk)
    assert _digest(junk) == before


def test_another_programs_sqlite_database_is_refused(tmp_path: Path):
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotADatabaseError, match="not one made by EvidenceTracker"):
        Services.open(other)


@pytest.mark.postgres
def test_migrations_run_on_postgresql(pg_url: str):
    svc = Services.open(pg_url)
    try:
        with svc.db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
            assert "strategies" in inspect(conn).get_table_names()
    finally:
        svc.close()
    Services.open(pg_url).close()  # opening again is a no-op upgrade


def test_backup_is_a_verified_copy_taken_with_the_backup_api(services: Services, tmp_path: Path):
    from evidencetracker.db.backup import backup_sqlite

    services.strategies.create(
        {"title": "Kept", "partnership_type": "other", "focus": ["partnership"]}
    )
    copy = backup_sqlite(services.db.path, tmp_path / "copy.sqlite")
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT title FROM strategies").fetchall() == [("Kept",)]
    conn.close()
    assert not (tmp_path / "copy.sqlite.tmp").exists()


def test_the_revision_chain_read_from_files_matches_alembic():
    from alembic.script import ScriptDirectory

    from evidencetracker.db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert known_revisions() == [r.revision for r in reversed(list(script.walk_revisions()))]
    assert head_revision() == script.get_current_head()
