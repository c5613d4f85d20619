"""Copies of SQLite databases taken with SQLite's backup API, written under a temporary name.

A plain file copy of a live database can be torn (and misses what is still in the ``-wal``);
the backup API copies one consistent snapshot. Every copy is verified before it is renamed into
place, so a bad copy never takes the place of a good file.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evidencetracker.db.engine import sqlite_connect

BACKUP_SUFFIX = ".sqlite"
_STAMP = re.compile(r"-(\d{8}T\d{6})(\d{6})?Z$")


def check_sqlite_file(
    path: Path, key: str | None = None, *, quick: bool = False, foreign_keys: bool = True
) -> list[str]:
    """Run ``integrity_check`` (or ``quick_check``) and ``foreign_key_check`` (unless told not).

    Returns:
        The problems found, in words; an empty list means the file is sound.
    """
    try:
        conn = sqlite_connect(Path(path), key=key, readonly=True)
    except Exception as exc:  # sqlite3/sqlcipher3 errors, WrongPassphraseError
        return [f"cannot be opened: {exc}"]
    try:
        pragma = "quick_check" if quick else "integrity_check"
        problems = [row[0] for row in conn.execute(f"PRAGMA {pragma}") if row[0] != "ok"]
        return problems + (_foreign_key_problems(conn) if foreign_keys else [])
    except Exception as exc:  # a malformed file fails the check itself
        return [f"cannot be read: {exc}"]
    finally:
        conn.close()


def _foreign_key_problems(conn: Any) -> list[str]:
    return [
        f"foreign key: table {row[0]} row {row[1]} refers to a missing {row[2]}"
        for row in conn.execute("PRAGMA foreign_key_check")
    ]


def foreign_key_problems(path: Path, key: str | None = None) -> list[str]:
    """``foreign_key_check`` alone, in the words ``check_sqlite_file`` uses."""
    conn = sqlite_connect(Path(path), key=key, readonly=True)
    try:
        return _foreign_key_problems(conn)
    finally:
        conn.close()


def copy_with_backup_api(source: Path, destination: Path, key: str | None = None) -> None:
    """Copy ``source`` into a new file ``destination`` with the backup API (same key)."""
    src = sqlite_connect(source, key=key, readonly=True)
    try:
        dst = sqlite_connect(destination, key=key)
        try:
            src.backup(dst)
            # A backup is a self-contained file: no -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def backup_sqlite(
    source: Path,
    destination: Path,
    *,
    key: str | None = None,
    verify: Callable[[Path, str | None], list[str]] | None = None,
) -> Path:
    """Copy a live SQLite database with the backup API, verify the copy, then move it in place.

    Args:
        source: the live database.
        destination: where the verified copy goes (replaced atomically if it exists).
        key: the SQLCipher passphrase; the copy of an encrypted database is encrypted too.
        verify: the check run on the copy (default: integrity and foreign-key checks).

    Raises:
        OSError: when the destination cannot be written (for example a full disk).
        sqlite3.DatabaseError: when the copy fails its check; nothing is renamed then.
    """
    import sqlite3

    verify = verify or check_sqlite_file
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(destination.name + ".tmp")
    try:
        copy_with_backup_api(source, temporary, key)
        problems = verify(temporary, key)
        if problems:
            raise sqlite3.DatabaseError("backup failed verification: " + "; ".join(problems[:5]))
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        with contextlib.suppress(OSError):
            temporary.with_name(temporary.name + "-journal").unlink()
        raise
    _fsync_dir(destination.parent)
    return destination


def restore_into(backup: Path, live: Path, key: str | None = None) -> None:
    """Replace the content of the live database by a backup's, in one SQLite transaction.

    The backup API writes the destination inside a single write transaction, so a crash or a
    kill leaves either the old or the new content, never a mixture, and the live file's WAL and
    locks stay consistent for every other connection.
    """
    src = sqlite_connect(backup, key=key, readonly=True)
    try:
        dst = sqlite_connect(live, key=key, timeout=10.0)
        try:
            dst.execute("PRAGMA synchronous=FULL")
            dst.execute("PRAGMA busy_timeout=10000")
            src.backup(dst)
            if dst.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable (POSIX); directories cannot be opened on Windows.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class BackupName:
    """What a backup file's name says: the database it belongs to, why and when it was taken."""

    stem: str
    reason: str
    taken_at: datetime


def backup_file_name(stem: str, reason: str, when: datetime | None = None) -> str:
    """``<stem>-<reason>-<UTC stamp with microseconds>.sqlite``."""
    when = (when or datetime.now(UTC)).astimezone(UTC)
    safe = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "backup"
    return f"{stem}-{safe}-{when.strftime('%Y%m%dT%H%M%S%fZ')}{BACKUP_SUFFIX}"


def parse_backup_name(name: str, stem: str) -> BackupName | None:
    """Read a name written by ``backup_file_name`` for database ``stem``; None if it is not one."""
    if not name.startswith(stem + "-") or not name.endswith(BACKUP_SUFFIX):
        return None
    middle = name[len(stem) + 1 : -len(BACKUP_SUFFIX)]
    match = _STAMP.search(middle)
    if not match:
        return None
    micro = match.group(2) or "000000"
    taken = datetime.strptime(match.group(1) + micro, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    reason = middle[: match.start()] or "backup"
    return BackupName(stem, reason, taken)


def take_backup(db_path: Path, folder: Path, reason: str, *, key: str | None = None, **kw) -> Path:
    """A verified backup of ``db_path`` in its rotation folder, named by reason and time."""
    return backup_sqlite(db_path, folder / backup_file_name(db_path.stem, reason), key=key, **kw)
