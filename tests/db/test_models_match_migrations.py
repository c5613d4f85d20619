"""The models and the migrations describe the same schema (what `alembic check` verifies).

A database is built by the migrations alone, then Alembic's autogenerate compares it with the
models' metadata: any difference (a column added to a model without a migration, a migration
that forgot an index) is listed and fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from evidencetracker.db import models  # noqa: F401 - registers the tables on the metadata
from evidencetracker.db.base import Base
from evidencetracker.db.migrate import _upgrade
from evidencetracker.db.schema_filters import include_name


def _differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={"include_name": include_name, "compare_type": True},
            )
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_sqlite_schema_built_by_migrations_matches_the_models(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    _upgrade(url)
    assert _differences(url) == []


@pytest.mark.postgres
def test_postgresql_schema_built_by_migrations_matches_the_models(pg_url: str):
    _upgrade(pg_url)
    assert _differences(pg_url) == []
