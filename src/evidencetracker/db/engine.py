"""Engines for SQLite files and PostgreSQL URLs, with the pragmas our crash-safety relies on."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from evidencetracker.db.errors import DatabaseError, WrongPassphraseError

SQLITE_HEADER = b"SQLite format 3\x00"
# Folder names of sync clients whose copying of open files corrupts or locks SQLite databases.
CLOUD_FOLDERS = (
    "onedrive",
    "dropbox",
    "icloud drive",
    "icloud~",
    "mobile documents",
    "google drive",
    "googledrive",
    "my drive",
    "box sync",
    "nextcloud",
    "owncloud",
)
NETWORK_FS = (
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smbfs",
    "smb3",
    "sshfs",
    "afs",
    "9p",
    "davfs",
    "ncpfs",
    "glusterfs",
    "ceph",
)
CACHE_SIZE = -65536  # page cache per connection, in KiB when negative: 64 MB
ENCRYPTION_MISSING = (
    "This database is encrypted, but encryption support is not installed. "
    "Install it with: pip install 'evidencetracker[encryption]'"
)


def database_url(target: str | Path) -> str:
    """Turn a file path or an SQLAlchemy URL into a URL (``sqlite:///abs/path`` for files)."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _mount_points() -> list[tuple[str, str]]:
    """(mount point, filesystem type) pairs from /proc/mounts; empty where there is none."""
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((parts[1].replace("\\040", " "), parts[2]))
    return mounts


def filesystem_type(path: Path, mounts: list[tuple[str, str]] | None = None) -> str | None:
    """The filesystem type of the mount holding ``path`` (longest matching mount point)."""
    target = str(Path(path).expanduser().absolute())
    best, kind = "", None
    for point, fstype in _mount_points() if mounts is None else mounts:
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fstype
    return kind


def network_warning(path: Path, mounts: list[tuple[str, str]] | None = None) -> str | None:
    """A warning when ``path`` is in a cloud-synced or network folder, else None.

    SQLite's locking and its write-ahead log are not safe there: sync clients copy a database
    while it is being written, and network filesystems do not honour the locks. Such files are
    opened without WAL; a team should share a PostgreSQL server instead.
    """
    text = str(Path(path).expanduser().absolute())
    lowered = text.replace("\\", "/").lower()
    parts = [p for p in lowered.split("/") if p]
    where = None
    if text.startswith("\\\\") or text.startswith("//"):
        where = "a network share"
    else:
        for part in parts[:-1]:
            if any(
                part == c or part.startswith(c + " ") or part.startswith(c + "-")
                for c in CLOUD_FOLDERS
            ):
                where = f"a cloud-synced folder ({part})"
                break
    if where is None:
        fstype = filesystem_type(Path(text), mounts)
        if fstype and (
            fstype in NETWORK_FS
            or fstype.startswith("fuse.")
            and fstype not in ("fuse.portal", "fuse.gvfsd-fuse-local")
        ):
            where = f"a network or FUSE filesystem ({fstype})"
    if where is None:
        return None
    return (
        f"The database {path} is in {where}. SQLite databases can be damaged or locked when "
        "a sync client or a network filesystem copies them while they are open. Keep the file "
        "in a local folder (backups can go anywhere), and share with a team through the "
        "PostgreSQL server instead. It was opened without write-ahead logging."
    )


def sqlite_driver(key: str | None) -> ModuleType:
    """The DB-API module for a plain (sqlite3) or an encrypted (sqlcipher3) database."""
    if key is None:
        return sqlite3
    try:
        import sqlcipher3.dbapi2 as sqlcipher  # optional extra: evidencetracker[encryption]
    except ImportError:
        raise DatabaseError(ENCRYPTION_MISSING) from None
    return sqlcipher


def _key_pragma(key: str) -> str:
    if not key or "\x00" in key:
        raise WrongPassphraseError("The passphrase is empty or holds a NUL character.")
    # PRAGMA takes no bound parameters: the passphrase is quoted as an SQL string literal.
    return "PRAGMA key = '" + key.replace("'", "''") + "'"


def apply_key(conn: Any, key: str, name: str = "the database") -> None:
    """Give SQLCipher the passphrase, then prove it by reading the schema.

    Raises:
        WrongPassphraseError: the passphrase does not open the file (no plaintext fallback).
    """
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(_key_pragma(key))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:  # sqlcipher3.DatabaseError: "file is not a database"
        conn.close()
        raise WrongPassphraseError(
            f"The passphrase does not open {name}: it is wrong, or the file is not an "
            "encrypted EvidenceTracker database. Nothing was changed; try the passphrase again."
        ) from exc
    conn.execute("PRAGMA temp_store = MEMORY")


def sqlite_connect(
    path: Path, *, key: str | None = None, readonly: bool = False, timeout: float = 5.0
) -> Any:
    """A raw DB-API connection to an SQLite file, plain or encrypted (``key``).

    Raises:
        WrongPassphraseError: ``key`` does not open the file.
        DatabaseError: the file is encrypted but SQLCipher is not installed.
    """
    driver = sqlite_driver(key)
    path = Path(path)
    if readonly:
        target = path.absolute().as_uri() + "?mode=ro"
        conn = driver.connect(target, uri=True, timeout=timeout, check_same_thread=False)
    else:
        conn = driver.connect(str(path), timeout=timeout, check_same_thread=False)
    if key is not None:
        apply_key(conn, key, str(path))
    return conn


def has_sqlite_header(path: Path) -> bool:
    """Whether a file starts like a plain SQLite database (an encrypted one does not).

    Only call this before the process opens the database: closing any other handle on the
    file would drop SQLite's locks.
    """
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _pragmas_for(use_wal: bool):  # noqa: ANN202 - an SQLAlchemy event handler
    def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # The pysqlite driver opens no transaction before the first DML, so these pragmas
        # (which SQLite ignores inside a transaction) take effect here.
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA temp_store=MEMORY")
            # The default page cache is 2 MB; the browser's and search's indexes of a large
            # database need more to stay in memory between keystrokes (docs/performance.md).
            # No mmap_size: every mapped page a query touches counts in the app's resident
            # memory (486 MB instead of 245 MB at start on the large benchmark database).
            cursor.execute(f"PRAGMA cache_size={CACHE_SIZE}")
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            wanted = "wal" if use_wal else "delete"
            if mode != wanted:
                cursor.execute(f"PRAGMA journal_mode={wanted.upper()}")
        finally:
            cursor.close()

    return _set_sqlite_pragmas


def create_db_engine(url: str, *, key: str | None = None) -> Engine:
    """Create an engine; SQLite connections get foreign keys, WAL, FULL sync and a busy timeout.

    A file in a cloud-synced or network folder is opened in rollback-journal mode (no WAL).
    With ``key`` the file is opened through SQLCipher; the passphrase reaches SQLite only in a
    connect-time PRAGMA, never in the URL (which can end up in logs and reprs).
    """
    path = sqlite_path(url)
    if key is not None and path is not None:
        driver = sqlite_driver(key)
        engine = create_engine(url, module=driver, creator=lambda: sqlite_connect(path, key=key))
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        use_wal = path is None or network_warning(path) is None
        event.listen(engine, "connect", _pragmas_for(use_wal))
    return engine


@dataclass
class Database:
    """An open, migrated database: the engine and the session factory services use."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    # The SQLCipher passphrase of an encrypted file; kept out of repr() so it never reaches logs.
    key: str | None = field(default=None, repr=False, compare=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def display_name(self) -> str:
        """A name safe to show: the file path, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()
