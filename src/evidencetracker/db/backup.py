"""Copies of SQLite databases taken with SQLite's backup API, written under a temporary name."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path


def check_sqlite_file(path: Path) -> list[str]:
    """Run ``integrity_check`` and ``foreign_key_check``; return the problems found (empty: ok)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"foreign key: table {row[0]} rowid {row[1]} refers to missing {row[2]}"
            for row in conn.execute("PRAGMA foreign_key_check")
        ]
        return problems
    finally:
        conn.close()


def backup_sqlite(source: Path, destination: Path) -> Path:
    """Copy a live SQLite database with the backup API, verify the copy, then move it in place.

    A plain file copy of a database in use can be torn; the backup API copies a consistent
    snapshot. The copy is checked before it is renamed, so a bad copy never takes the place of
    anything.

    Raises:
        OSError: when the destination cannot be written (for example a full disk).
        sqlite3.DatabaseError: when the copy fails its integrity check.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(destination.name + ".tmp")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst)
            # A backup is a self-contained file: no -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    finally:
        src.close()
    problems = check_sqlite_file(temporary)
    if problems:
        temporary.unlink()
        raise sqlite3.DatabaseError("backup failed verification: " + "; ".join(problems[:5]))
    os.replace(temporary, destination)
    return destination
