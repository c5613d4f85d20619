"""Opening a database: refuse what we cannot read, back up, then upgrade to the current schema."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.orm import sessionmaker

from evidencetracker.db.backup import backup_sqlite
from evidencetracker.db.engine import Database, create_db_engine, database_url, sqlite_path
from evidencetracker.db.errors import DatabaseError, NewerSchemaError, NotADatabaseError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NO_VERSION = object()  # tables exist but no alembic_version: not ours


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> list[str]:
    """All schema revisions this version of the app knows, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def default_backup_dir(db_path: Path) -> Path:
    return db_path.parent / f"{db_path.stem}-backups"


def _read_sqlite_revision(path: Path) -> object:
    """The schema revision of an SQLite file, read without changing a byte of it."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables:
                return None
            if "alembic_version" not in tables:
                return _NO_VERSION
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(
            f"{path} is not an EvidenceTracker database (SQLite says: {exc}). "
            "Open another file, or restore a backup."
        ) from exc


def _check_revision(revision: object, name: str) -> None:
    if revision is _NO_VERSION:
        raise NotADatabaseError(
            f"{name} is an SQLite database, but not one made by EvidenceTracker; "
            "it was not changed."
        )
    if revision is not None and revision not in known_revisions():
        raise NewerSchemaError(
            f"{name} was written by a newer version of EvidenceTracker (schema {revision}). "
            "It has not been changed. Install the newer version to open it."
        )


def _migration_engine(url: str):
    """An engine whose transactions really wrap DDL, with foreign keys off during the rebuilds.

    pysqlite runs DDL outside any transaction unless told otherwise, and a batch table rebuild
    with foreign keys on cascades deletes into child tables; both are handled here.
    """
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):  # noqa: ANN001 - SQLAlchemy event signature
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            dbapi_connection.execute("PRAGMA busy_timeout=5000")
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=FULL")

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _upgrade(url: str) -> None:
    engine = _migration_engine(url)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
            if engine.dialect.name == "sqlite":
                bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise DatabaseError(
                        f"the upgrade left {len(bad)} broken references (first: {bad[0]}); "
                        "restore the backup taken before the upgrade"
                    )
    finally:
        engine.dispose()


def open_database(
    target: str | Path, *, backup_dir: Path | None = None, create: bool = True
) -> Database:
    """Open (and create or upgrade) the database at a path or URL.

    An SQLite file is inspected read-only first: a file that is not ours or that comes from a
    newer app version is refused without a single byte changed. An existing database is backed
    up with SQLite's backup API before any migration runs.

    Raises:
        NotADatabaseError: the file is not an EvidenceTracker database.
        NewerSchemaError: the database comes from a newer version of the app.
        DatabaseError: the database cannot be reached or upgraded.
    """
    url = database_url(target)
    path = sqlite_path(url)
    name = str(path) if path else url.split("@")[-1]
    revision: object = None
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            revision = _read_sqlite_revision(path)
        elif not create:
            raise DatabaseError(f"{path} does not exist")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    else:
        probe = create_engine(url)
        try:
            with probe.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                if "alembic_version" in tables:
                    revision = MigrationContext.configure(conn).get_current_revision()
                elif tables & {"strategies", "evidence_sources"}:
                    revision = _NO_VERSION
        except Exception as exc:  # the driver's own error types vary
            raise DatabaseError(f"cannot connect to {name}: {exc}") from exc
        finally:
            probe.dispose()
    _check_revision(revision, name)

    if revision != head_revision():
        if revision is not None and path is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            folder = backup_dir or default_backup_dir(path)
            backup_sqlite(path, folder / f"{path.stem}-before-upgrade-{revision}-{stamp}.sqlite")
        _upgrade(url)

    engine = create_db_engine(url)
    return Database(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
