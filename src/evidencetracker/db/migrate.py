"""Opening a database: refuse what we cannot read, back up, then upgrade to the current schema."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.orm import sessionmaker

from evidencetracker.db.backup import take_backup
from evidencetracker.db.engine import (
    Database,
    create_db_engine,
    database_url,
    sqlite_connect,
    sqlite_driver,
    sqlite_path,
)
from evidencetracker.db.errors import (
    DatabaseError,
    NewerSchemaError,
    NotADatabaseError,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NO_VERSION = object()  # tables exist but no alembic_version: not ours
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*['\"]?(\w*)['\"]?", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def known_revisions() -> list[str]:
    """All schema revisions this version of the app knows, oldest first.

    Read from the migration files' ``revision``/``down_revision`` lines rather than through
    Alembic, whose import alone costs a quarter of a second at every start; Alembic is loaded
    only when a database actually needs upgrading. A test checks both agree.
    """
    return list(_revision_chain())


@cache
def _revision_chain() -> tuple[str, ...]:
    parents: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_ASSIGNMENT.findall(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            parent = found.get("down_revision")
            parents[found["revision"]] = None if parent in (None, "", "None") else parent
    children = {parent: child for child, parent in parents.items()}
    chain, current = [], children.get(None)
    while current is not None:
        chain.append(current)
        current = children.get(current)
    if len(chain) != len(parents):
        raise RuntimeError("the migration files do not form one chain of revisions")
    return tuple(chain)


def head_revision() -> str:
    return known_revisions()[-1]


def default_backup_dir(db_path: Path) -> Path:
    """The rotation folder of a database file: every automatic and manual backup goes here."""
    return db_path.parent / f"{db_path.stem}-backups"


def _read_sqlite_revision(path: Path, key: str | None = None) -> object:
    """The schema revision of an SQLite file, read without changing a byte of it."""
    try:
        conn = sqlite_connect(path, key=key, readonly=True)
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
    except sqlite_driver(key).DatabaseError as exc:
        hint = "" if key else " If it is an encrypted database, open it with its passphrase."
        raise NotADatabaseError(
            f"{path} is not an EvidenceTracker database (SQLite says: {exc}). "
            f"Open another file, or restore a backup.{hint}"
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


def _migration_engine(url: str, key: str | None = None):
    """An engine whose transactions really wrap DDL, with foreign keys off during the rebuilds.

    pysqlite runs DDL outside any transaction unless told otherwise, and a batch table rebuild
    with foreign keys on cascades deletes into child tables; both are handled here.
    """
    path = sqlite_path(url)
    if key is not None and path is not None:
        engine = create_engine(
            url, module=sqlite_driver(key), creator=lambda: sqlite_connect(path, key=key)
        )
    else:
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


def _upgrade(url: str, key: str | None = None) -> None:
    engine = _migration_engine(url, key)
    try:
        with engine.connect() as conn:
            from alembic import command

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
    target: str | Path,
    *,
    backup_dir: Path | None = None,
    create: bool = True,
    key: str | None = None,
) -> Database:
    """Open (and create or upgrade) the database at a path or URL.

    An SQLite file is inspected read-only first: a file that is not ours or that comes from a
    newer app version is refused without a single byte changed. An existing database is backed
    up with SQLite's backup API into its rotation folder before any migration runs. ``key`` is
    the SQLCipher passphrase of an encrypted file (a new file is created encrypted with it).

    Raises:
        NotADatabaseError: the file is not an EvidenceTracker database.
        NewerSchemaError: the database comes from a newer version of the app.
        WrongPassphraseError: ``key`` does not open the encrypted file.
        DatabaseError: the database cannot be reached or upgraded.
    """
    url = database_url(target)
    path = sqlite_path(url)
    name = str(path) if path else url.split("@")[-1]
    revision: object = None
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            revision = _read_sqlite_revision(path, key)
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
                    revision = conn.execute(
                        text("SELECT version_num FROM alembic_version")
                    ).scalar()
                elif tables & {"strategies", "evidence_sources"}:
                    revision = _NO_VERSION
        except Exception as exc:  # the driver's own error types vary
            raise DatabaseError(f"cannot connect to {name}: {exc}") from exc
        finally:
            probe.dispose()
    _check_revision(revision, name)

    if revision != head_revision():
        if revision is not None and path is not None:
            folder = backup_dir or default_backup_dir(path)
            take_backup(path, folder, f"before-upgrade-{revision}", key=key)
        _upgrade(url, key)

    engine = create_db_engine(url, key=key)
    return Database(
        url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False), key=key
    )
