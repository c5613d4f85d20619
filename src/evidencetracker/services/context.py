"""The transaction boundary every service shares: one session per operation, errors translated."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from evidencetracker.db.engine import Database
from evidencetracker.domain.errors import ServiceError, StorageError


@dataclass(frozen=True)
class ChangeSet:
    """What one committed operation changed, so that each screen can decide whether to refresh."""

    entity_types: frozenset[str]
    strategy_uids: frozenset
    description: str = ""


_NO_ROOM_CODES = {
    "SQLITE_FULL",
    "SQLITE_IOERR_WRITE",
    "SQLITE_IOERR_FSYNC",
    "SQLITE_IOERR_TRUNCATE",
}


def storage_message(exc: BaseException) -> str | None:
    """A plain message for the storage failures a person can act on, or None."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).lower()
    errno_ = getattr(inner, "errno", None)
    # ENOSPC (28), and EFBIG (27) when a file-size limit is hit: both mean "no room to write".
    # SQLite reports a failed write() as SQLITE_FULL or as SQLITE_IOERR_WRITE ("disk I/O error").
    if (
        errno_ in (errno.ENOSPC, errno.EFBIG)
        or "disk is full" in text
        or "no space" in text
        or "file too large" in text
        or getattr(inner, "sqlite_errorname", "") in _NO_ROOM_CODES
        or "disk i/o error" in text
    ):
        return (
            "The disk is full (or the file could not be written): nothing was saved. "
            "Free some space and try again."
        )
    if (
        errno_ in (errno.EACCES, errno.EPERM, errno.EROFS)
        or "readonly" in text
        or "read-only" in text
        or "permission denied" in text
        or "unable to open database file" in text
    ):
        return (
            "The database file cannot be written (read-only or no permission): nothing was saved. "
            "Check the file's permissions or open a copy."
        )
    if "database is locked" in text or "database is busy" in text:
        return (
            "The database is locked by another program or another EvidenceTracker window: "
            "nothing was saved. Close the other program and try again."
        )
    return None


@dataclass
class ServiceContext:
    """Holds the database, who is working, and the hooks that run inside every write."""

    db: Database
    author: Callable[[], str] = lambda: ""
    # Run inside the write transaction, just before commit (e.g. rating recomputation).
    before_commit: list[Callable[[Session], None]] = field(default_factory=list)
    # Run after a successful commit, with what changed (e.g. the UI refreshing its views).
    listeners: list[Callable[[ChangeSet], None]] = field(default_factory=list)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.sessions() as session:
            yield session

    @contextmanager
    def write(self, description: str = "") -> Iterator[Session]:
        """One all-or-nothing transaction; storage failures become StorageError."""
        session = self.db.sessions()
        session.info.update(
            touched_strategies=set(), touched_strategy_uids=set(), entity_types=set()
        )
        try:
            with session.begin():
                yield session
                session.flush()
                for hook in self.before_commit:
                    hook(session)
        except (ServiceError, StaleDataError):
            raise
        except IntegrityError as exc:
            raise ServiceError(f"The change breaks a rule of the database: {exc.orig}") from exc
        except (OperationalError, DBAPIError, sqlite3.Error, OSError) as exc:
            message = storage_message(exc)
            if message:
                raise StorageError(message) from exc
            raise
        finally:
            session.close()
        types = frozenset(session.info["entity_types"])
        if types:
            change = ChangeSet(types, frozenset(session.info["touched_strategy_uids"]), description)
            for listener in list(self.listeners):
                listener(change)


def touch(session: Session, entity_type: str, strategy=None) -> None:  # noqa: ANN001
    """Note inside a write that an entity type, and optionally a strategy, changed."""
    session.info.setdefault("entity_types", set()).add(entity_type)
    if strategy is not None:
        session.info.setdefault("touched_strategies", set()).add(strategy.id)
        session.info.setdefault("touched_strategy_uids", set()).add(strategy.uid)
