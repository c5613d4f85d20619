"""The page cache every SQLite connection gets (docs/performance.md)."""

from __future__ import annotations

from evidencetracker.db.engine import CACHE_SIZE
from evidencetracker.services.container import Services


def test_every_connection_gets_a_64_mb_page_cache(services: Services):
    assert CACHE_SIZE == -65536  # negative: KiB, so 64 MB
    with services.db.engine.connect() as first, services.db.engine.connect() as second:
        for conn in (first, second):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == CACHE_SIZE
            assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 0
