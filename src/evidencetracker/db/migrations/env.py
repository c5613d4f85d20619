"""Alembic environment: always run programmatically with a connection handed in by the app."""

from __future__ import annotations

from alembic import context

from evidencetracker.db import models  # noqa: F401 - registers the tables on the metadata
from evidencetracker.db.base import Base
from evidencetracker.db.schema_filters import include_name

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("EvidenceTracker migrations run only through the application")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
