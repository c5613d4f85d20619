"""Declarative base with a naming convention, and the columns every record carries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Integer, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from evidencetracker.db.types import UTCDateTime

# Stable constraint names on SQLite and PostgreSQL, so Alembic batch rebuilds can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordMixin:
    """Identity, timestamps and the version counter of a mergeable record.

    ``id`` is a local integer key (stable rowid for full-text search); ``uid`` identifies the
    record in every copy of the database. ``version`` is SQLAlchemy's optimistic-lock counter:
    an UPDATE whose version no longer matches raises instead of overwriting a newer edit.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - declared_attr receives the class
        return {"version_id_col": cls.__table__.c.version}
