"""Fixtures of the reliability tests: small databases, byte scans, the fault harness."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from evidencetracker.services.container import Services

STRATEGY = {
    "partnership_type": "ngo_coalition",
    "focus": ["prevention"],
    "status": "active",
}


def add_strategies(services: Services, n: int, prefix: str = "strategy") -> list:
    return [services.strategies.create({**STRATEGY, "title": f"{prefix} {i}"}) for i in range(n)]


def both_checks(path: Path) -> tuple[str, list]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA integrity_check").fetchone()[0],
            conn.execute("PRAGMA foreign_key_check").fetchall(),
        )
    finally:
        conn.close()


def byte_hits(paths: list[Path], canary: bytes) -> dict[str, int]:
    """How often ``canary`` appears in each existing file (UTF-8 and UTF-16 forms)."""
    forms = [canary, canary.decode().encode("utf-16-le")]
    hits = {}
    for path in paths:
        if path.exists():
            data = path.read_bytes()
            hits[path.name] = sum(data.count(f) for f in forms)
    return hits


@pytest.fixture
def filled(services: Services) -> Services:
    add_strategies(services, 3)
    return services
