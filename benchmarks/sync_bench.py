"""Sync benchmark: N changed records from a laptop (SQLite) to a team database, then back.

    PYTHONPATH=src python benchmarks/sync_bench.py POSTGRES_URL [N]

POSTGRES_URL names an empty database that this script fills. Prints the time of the first
sync (N new records pushed), of a sync after N edits on the laptop, of a no-op re-sync, and
of pulling everything into a second, empty laptop.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, update

from evidencetracker.db import models as M
from evidencetracker.services.container import Services


def add_strategies(svc: Services, n: int, prefix: str = "Strategy") -> None:
    """Insert ``n`` strategies in one transaction (bypassing the per-record services)."""
    now = datetime.now(UTC)
    rows = [
        {
            "uid": uuid.uuid4(),
            "title": f"{prefix} {i:05d}",
            "summary": f"Summary of strategy {i}",
            "description": "",
            "partnership_type": "ngo_coalition",
            "focus": ("protection",),
            "sectors": (),
            "geography": (),
            "status": "active",
            "confidential": False,
            "is_sample": False,
            "headline_level": "not_rated",
            "harm_flag": False,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for i in range(n)
    ]
    with svc.ctx.write("bench") as session:
        for start in range(0, n, 1000):
            session.execute(insert(M.Strategy), rows[start : start + 1000])


def edit_all(svc: Services) -> None:
    """Change every strategy's summary and bump its version, as n edits would."""
    with svc.ctx.write("bench edits") as session:
        session.execute(
            update(M.Strategy.__table__).values(
                summary=M.Strategy.__table__.c.summary + " (edited)",
                version=M.Strategy.__table__.c.version + 1,
            )
        )


def main(url: str, n: int) -> None:
    folder = Path(tempfile.mkdtemp())
    laptop = Services.open(folder / "laptop.sqlite", author="bench")
    add_strategies(laptop, n)
    for label, action in (
        (f"first sync, {n} new records pushed", lambda: laptop.sync.sync(url)),
        ("edit all", lambda: edit_all(laptop)),
        (f"sync after {n} edits", lambda: laptop.sync.sync(url)),
        ("no-op re-sync", lambda: laptop.sync.sync(url)),
    ):
        t0 = time.perf_counter()
        result = action()
        took = time.perf_counter() - t0
        if label != "edit all":
            print(f"{label:40s} {took:7.2f} s   {result.summary() if result else ''}")
    second = Services.open(folder / "second.sqlite", author="bench2")
    t0 = time.perf_counter()
    report = second.sync.sync(url)
    print(
        f"{'pull everything into an empty laptop':40s} {time.perf_counter() - t0:7.2f} s   "
        f"{report.summary()}"
    )
    laptop.close()
    second.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
