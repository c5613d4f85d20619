"""Shared fixtures. Qt runs offscreen; every test gets its own data and config folders."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from evidencetracker.services.container import Services  # noqa: E402

PG_URL_VAR = "EVIDENCETRACKER_TEST_PG_URL"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("EVIDENCETRACKER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("EVIDENCETRACKER_CONFIG_DIR", str(base / "config"))


def shared_data(name: str) -> Path:
    """A file from ../shared/data, or skip the test saying what is missing."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real data file {path} is not available on this machine")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "evidence.sqlite"


@pytest.fixture
def services(db_path: Path) -> Iterator[Services]:
    svc = Services.open(db_path, author="Tester")
    yield svc
    svc.close()


@contextlib.contextmanager
def fresh_pg_database(base: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``base``; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"et_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the server named by EVIDENCETRACKER_TEST_PG_URL."""
    base = os.environ.get(PG_URL_VAR)
    if not base:
        pytest.skip(f"{PG_URL_VAR} is not set: no PostgreSQL server to test against")
    with fresh_pg_database(base) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    """Services over SQLite and over PostgreSQL: repository tests run on both."""
    if request.param == "sqlite":
        target = str(tmp_path / "evidence.sqlite")
    else:
        target = request.getfixturevalue("pg_url")
    svc = Services.open(target, author="Tester")
    yield svc
    svc.close()
