"""Opening the app's database safely: detect damage, keep the damaged file, offer a backup.

The composition root calls ``open_or_recover`` instead of ``Services.open``. A damaged file is
renamed ``*.damaged`` (never deleted) and the newest backup that passes both checks is offered
with its date; ``restore_recovered`` then puts that backup in place and opens it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evidencetracker.db import backup as B
from evidencetracker.db.engine import (
    database_url,
    has_sqlite_header,
    network_warning,
    sqlite_path,
)
from evidencetracker.db.migrate import default_backup_dir
from evidencetracker.services.backups import BackupInfo, list_backups, newest_verified_backup
from evidencetracker.services.container import Services


@dataclass(frozen=True)
class Recovery:
    """What happened to a damaged database, and the backup offered in its place."""

    original: Path
    damaged: Path  # where the damaged file is kept
    problem: str
    backup: BackupInfo | None

    @property
    def message(self) -> str:
        """The plain account shown to the person (dialog and CLI)."""
        lines = [
            f"The database {self.original.name} is damaged and cannot be used safely "
            f"({self.problem}).",
            f"Nothing was deleted: the damaged file was renamed to {self.damaged.name}.",
        ]
        if self.backup is not None:
            when = self.backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            lines.append(
                f"The newest backup that passes its checks is from {when} "
                f"({_counts(self.backup)}). Restoring it loses only the changes made after it."
            )
        else:
            lines.append("No backup that passes its checks was found.")
        return "\n".join(lines)


def _counts(info: BackupInfo) -> str:
    if info.strategies is None:
        return "contents unreadable"
    return f"{info.strategies} strategies, {info.sources} evidence sources"


@dataclass
class OpenResult:
    """Either open services, or a recovery to offer; plus a warning to show either way."""

    services: Services | None
    recovery: Recovery | None = None
    warning: str | None = None


def diagnose(path: Path, key: str | None = None, folder: Path | None = None) -> str | None:
    """Why an existing database file is damaged, or None when it looks sound.

    A file without the SQLite header is only called damaged when its own backups are plain
    SQLite files (so it is not simply an encrypted database opened without its passphrase, nor
    an unrelated file chosen by mistake). Call this before the process opens the file.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    if key is None and not has_sqlite_header(path):
        backups = list_backups(path, folder)
        if backups and has_sqlite_header(backups[0].path):
            return "the file is not an SQLite database any more"
        return None  # opening will say what it is (encrypted, not ours)
    # Only the structure is checked here, at every start: broken references between rows are
    # no reason to set a file aside, and checking them took as long again on a large database
    # (docs/performance.md). Tools > Check Database finds and repairs those.
    problems = B.check_sqlite_file(path, key, quick=True, foreign_keys=False)
    if not problems:
        return None
    if (
        key is not None
        and problems[0].startswith("cannot be opened")
        and "passphrase" in (problems[0])
    ):
        return None  # a wrong passphrase is not damage: opening raises WrongPassphraseError
    return problems[0]


def _damaged_name(path: Path) -> Path:
    target = path.with_name(path.name + ".damaged")
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.name}.{stamp}.damaged")
    return target


def set_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) to ``*.damaged``; never delete it."""
    target = _damaged_name(path)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    os.replace(path, target)
    return target


def open_or_recover(
    target: str | Path,
    author: Callable[[], str] | str = "",
    *,
    key: str | None = None,
    backup_dir: Path | None = None,
    create: bool = True,
) -> OpenResult:
    """Open the database, or set a damaged one aside and find the backup to offer.

    Raises:
        DatabaseError: the database cannot be opened for another reason (newer version, not
            ours, wrong passphrase, unreachable server); its message says what to do.
    """
    path = sqlite_path(database_url(target))
    if path is None:
        return OpenResult(Services.open(target, author, create=create))
    warning = network_warning(path)
    folder = backup_dir or default_backup_dir(path)
    problem = diagnose(path, key, folder)
    if problem is not None:
        damaged = set_aside(path)
        backup = newest_verified_backup(path, folder, key)
        return OpenResult(None, Recovery(path, damaged, problem, backup), warning)
    services = Services.open(target, author, create=create, key=key, backup_dir=backup_dir)
    return OpenResult(services, None, warning)


def restore_recovered(
    recovery: Recovery,
    author: Callable[[], str] | str = "",
    *,
    key: str | None = None,
    backup: Path | None = None,
) -> Services:
    """Copy the offered (or another) verified backup into place and open it.

    The copy goes through the backup API to a temporary file, is checked, and only then takes
    the database's name; opening it then upgrades its schema if the backup is older.
    """
    source = backup or (recovery.backup.path if recovery.backup else None)
    if source is None:
        raise FileNotFoundError("There is no backup to restore.")
    B.backup_sqlite(Path(source), recovery.original, key=key)
    return Services.open(recovery.original, author, key=key)
