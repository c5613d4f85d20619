"""Verified, rotating backups of an SQLite database, and restoring one of them.

Every backup is written with SQLite's backup API to a temporary file, checked with
``integrity_check`` and ``foreign_key_check``, and only then renamed into the rotation folder,
so a copy that fails its check never takes the place of a good one. The rotation keeps the
newest few, then one per hour, per day and per week, up to a cap.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from evidencetracker.db import backup as B
from evidencetracker.db.engine import Database, has_sqlite_header, sqlite_connect
from evidencetracker.db.migrate import default_backup_dir, known_revisions
from evidencetracker.domain.errors import ServiceError, StorageError
from evidencetracker.services.context import storage_message

AUTO_INTERVAL = timedelta(minutes=30)


@dataclass(frozen=True)
class BackupInfo:
    """One backup file as the Backups list shows it."""

    path: Path
    taken_at: datetime
    reason: str
    size: int
    strategies: int | None  # None when the file could not be read
    sources: int | None
    encrypted: bool

    @property
    def label(self) -> str:
        """The reason in words, e.g. 'before import' or 'automatic'."""
        words = {"auto": "automatic", "manual": "manual"}
        return words.get(self.reason, self.reason.replace("-", " "))


@dataclass(frozen=True)
class RotationPolicy:
    """How many backups are kept: the newest ``keep_recent``, then thinned by age, at most ``cap``.

    Within ``hourly_for`` one backup per hour is kept, within ``daily_for`` one per day, within
    ``weekly_for`` one per ISO week, and beyond that one per month.
    """

    keep_recent: int = 3
    hourly_for: timedelta = timedelta(hours=24)
    daily_for: timedelta = timedelta(days=14)
    weekly_for: timedelta = timedelta(weeks=12)
    cap: int = 40

    def keep(self, taken: list[datetime], now: datetime) -> list[bool]:
        """For backups sorted newest first, which ones to keep."""
        seen: set[tuple] = set()
        result = []
        kept = 0
        for index, when in enumerate(taken):
            age = now - when
            if age < self.hourly_for:
                bucket: tuple = ("hour", when.strftime("%Y%m%d%H"))
            elif age < self.daily_for:
                bucket = ("day", when.date())
            elif age < self.weekly_for:
                bucket = ("week", *when.isocalendar()[:2])
            else:
                bucket = ("month", when.year, when.month)
            wanted = index < self.keep_recent or bucket not in seen
            seen.add(bucket)
            wanted = wanted and kept < self.cap
            kept += wanted
            result.append(wanted)
        return result


def _storage_error(exc: BaseException, doing: str) -> StorageError:
    message = storage_message(exc)
    return StorageError(message or f"{doing} failed: {exc}. Nothing was changed.")


def read_counts(path: Path, key: str | None = None) -> tuple[int | None, int | None]:
    """How many strategies and evidence sources (not in the Trash) a database file holds."""
    try:
        conn = sqlite_connect(path, key=key, readonly=True)
    except Exception:  # unreadable or wrong key: the list shows no counts
        return None, None
    try:
        counts = []
        for table in ("strategies", "evidence_sources"):
            row = conn.execute(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL").fetchone()
            counts.append(int(row[0]))
        return counts[0], counts[1]
    except Exception:
        return None, None
    finally:
        conn.close()


def read_revision(path: Path, key: str | None = None) -> str | None:
    conn = sqlite_connect(path, key=key, readonly=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def list_backups(db_path: Path, folder: Path | None = None, key: str | None = None):
    """Every backup of ``db_path`` in its rotation folder, newest first."""
    folder = folder or default_backup_dir(db_path)
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        name = B.parse_backup_name(path.name, db_path.stem)
        if name is None or not path.is_file():
            continue
        strategies, sources = read_counts(path, key)
        found.append(
            BackupInfo(
                path=path,
                taken_at=name.taken_at,
                reason=name.reason,
                size=path.stat().st_size,
                strategies=strategies,
                sources=sources,
                encrypted=not has_sqlite_header(path),
            )
        )
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def newest_verified_backup(
    db_path: Path, folder: Path | None = None, key: str | None = None
) -> BackupInfo | None:
    """The newest backup that passes both checks now (damaged ones are skipped)."""
    for info in list_backups(db_path, folder, key):
        if not B.check_sqlite_file(info.path, key):
            return info
    return None


class BackupService:
    """Backups of one open SQLite database.

    Args:
        db: the open database (PostgreSQL databases are backed up by their server).
        folder: the rotation folder (default: ``<name>-backups`` beside the database).
        policy: how many backups the rotation keeps.
        clock: the current time (tests move it).
        verify: the check a new backup must pass (tests force it to fail).
    """

    def __init__(
        self,
        db: Database,
        folder: Path | None = None,
        policy: RotationPolicy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        verify: Callable[[Path, str | None], list[str]] | None = None,
        interval: timedelta = AUTO_INTERVAL,
    ):
        self.db = db
        self.policy = policy or RotationPolicy()
        self.clock = clock
        self.verify = verify or B.check_sqlite_file
        self.interval = interval
        path = db.path
        self.folder = folder or (default_backup_dir(path) if path is not None else None)

    @property
    def available(self) -> bool:
        """Whether this database is a file we can back up (False for PostgreSQL)."""
        return self.db.path is not None

    def _path(self) -> Path:
        if self.db.path is None:
            raise ServiceError(
                "This is a PostgreSQL team database: its server makes the backups "
                "(ask its administrator, or use pg_dump)."
            )
        return self.db.path

    # -- taking backups -------------------------------------------------------------------------
    def backup_now(self, reason: str = "manual", destination: Path | None = None) -> BackupInfo:
        """Take a verified backup now, into the rotation (or to ``destination``).

        Raises:
            StorageError: the backup could not be written or failed its check; any earlier
                backup is untouched.
        """
        path = self._path()
        try:
            if destination is not None:
                target = B.backup_sqlite(
                    path, Path(destination), key=self.db.key, verify=self._verify
                )
                taken = self.clock()
            else:
                taken = self.clock()
                name = B.backup_file_name(path.stem, reason, taken)
                target = B.backup_sqlite(
                    path, self.folder / name, key=self.db.key, verify=self._verify
                )
        except (OSError, sqlite3.Error) as exc:
            raise _storage_error(exc, "The backup") from exc
        except Exception as exc:  # sqlcipher3 errors are not sqlite3 errors
            if type(exc).__module__.startswith("sqlcipher3"):
                raise _storage_error(exc, "The backup") from exc
            raise
        if destination is None:
            self.thin()
        strategies, sources = read_counts(target, self.db.key)
        return BackupInfo(
            target,
            taken,
            reason,
            target.stat().st_size,
            strategies,
            sources,
            self.db.key is not None,
        )

    def _verify(self, copy: Path, key: str | None) -> list[str]:
        """The copy's problems, less broken references it faithfully kept from the database.

        A backup before a repair must be possible while the database still has the orphan rows
        the repair will remove; the copy is still refused if it is torn or adds any problem.
        """
        problems = self.verify(copy, key)
        if problems and all(p.startswith("foreign key:") for p in problems):
            present = set(B.foreign_key_problems(self._path(), key))
            if set(problems) <= present:
                return []
        return problems

    def before(self, reason: str) -> BackupInfo | None:
        """A forced backup before a risky operation (import, merge, restore, repair, upgrade).

        Returns None for a PostgreSQL database, so callers can call it unconditionally.
        """
        if not self.available:
            return None
        return self.backup_now(f"before-{reason}")

    def maybe_backup(self, changed_since_last: bool) -> BackupInfo | None:
        """The app's scheduled backup: taken when something changed and the newest is old.

        The composition root calls this from a timer (every ``interval``), off the UI thread.
        """
        if not changed_since_last or not self.available:
            return None
        newest = self.list()
        if newest and self.clock() - newest[0].taken_at < self.interval:
            return None
        return self.backup_now("auto")

    def thin(self) -> list[Path]:
        """Apply the rotation policy; returns the backups removed (stale temp files too)."""
        removed = []
        for stale in self.folder.glob("*.tmp") if self.folder and self.folder.is_dir() else ():
            with contextlib.suppress(OSError):
                stale.unlink()
                removed.append(stale)
        backups = self.list()
        keep = self.policy.keep([b.taken_at for b in backups], self.clock())
        for info, wanted in zip(backups, keep, strict=True):
            if not wanted:
                with contextlib.suppress(OSError):
                    info.path.unlink()
                    removed.append(info.path)
        return removed

    # -- reading -------------------------------------------------------------------------------
    def list(self) -> list[BackupInfo]:
        """Every backup in the rotation folder, newest first, with its date, size and counts."""
        if not self.available:
            return []
        return list_backups(self._path(), self.folder, self.db.key)

    def newest_verified(self) -> BackupInfo | None:
        """The newest backup that passes ``integrity_check`` and ``foreign_key_check`` now."""
        if not self.available:
            return None
        return newest_verified_backup(self._path(), self.folder, self.db.key)

    # -- restoring -----------------------------------------------------------------------------
    def restore(self, backup: Path) -> BackupInfo:
        """Replace the database's content by a backup's, all or nothing.

        First the backup is checked and a backup of the current state is taken (so a restore
        can itself be undone). The chosen file is then copied with the backup API into a
        temporary file, checked again, and written into the live database in one SQLite
        transaction: a crash leaves the old or the new content, never a mixture.

        The engine is disposed: the caller must close its Services and open the database
        again (the restored file may need a schema upgrade, which opening performs).

        Returns:
            The safety backup of the state before the restore.

        Raises:
            StorageError: the backup is damaged, from a newer app version, or the restore
                could not be written; the database is then unchanged.
        """
        path = self._path()
        backup = Path(backup)
        problems = B.check_sqlite_file(backup, self.db.key)
        if problems:
            raise StorageError(
                f"The backup {backup.name} is damaged ({problems[0]}); nothing was restored. "
                "Choose another backup."
            )
        revision = read_revision(backup, self.db.key)
        if revision not in known_revisions():
            raise StorageError(
                f"The backup {backup.name} comes from a newer version of EvidenceTracker "
                f"(schema {revision}); nothing was restored."
            )
        safety = self.backup_now("before-restore")
        staging = path.with_name(path.name + ".restore.tmp")
        try:
            with contextlib.suppress(OSError):
                staging.unlink()
            B.copy_with_backup_api(backup, staging, self.db.key)
            problems = B.check_sqlite_file(staging, self.db.key)
            if problems:
                raise StorageError(
                    f"The copy of {backup.name} failed its check ({problems[0]}); "
                    "nothing was restored."
                )
            self.db.dispose()
            B.restore_into(staging, path, self.db.key)
        except StorageError:
            raise
        except Exception as exc:  # sqlite3, sqlcipher3 and OS errors alike
            raise _storage_error(exc, "The restore") from exc
        finally:
            with contextlib.suppress(OSError):
                staging.unlink()
        return safety
