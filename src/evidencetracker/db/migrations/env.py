"""Alembic environment: always run programmatically with a connection handed in by the app."""

from __future__ import annotations

from alembic import context

from evidencetracker.db import models  # noqa: F401 - registers the tables on the metadata
from evidencetracker.db.base import Base

config = context.config


def include_name(name, type_, parent_names):  # noqa: ANN001 - alembic hook signature
    # Full-text index tables are managed by their own DDL, not by autogenerate.
    # FTS5 also creates shadow tables (<name>_fts_data, _idx, _config, _docsize).
    return not (type_ == "table" and name is not None and "_fts" in name)


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
