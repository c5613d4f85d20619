"""10,000 changed records through a sync (no timing here: see benchmarks/sync_bench.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from benchmarks.sync_bench import add_strategies, edit_all
from evidencetracker.db import models as M
from evidencetracker.services.container import Services

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_sync_of_10000_changed_records(tmp_path, pg_url):
    laptop = Services.open(tmp_path / "laptop.sqlite", author="Ann")
    team = Services.open(pg_url, author="server")
    try:
        add_strategies(laptop, 10_000)
        laptop.sync.sync(pg_url)
        edit_all(laptop)
        report = laptop.sync.sync(pg_url)
        assert (report.pushed, report.pulled, report.new_conflicts) == (10_000, 0, 0)
        with team.ctx.read() as session:
            edited = session.scalar(
                select(func.count(M.Strategy.id)).where(M.Strategy.summary.like("%(edited)"))
            )
            versions = set(session.scalars(select(M.Strategy.version).distinct()))
        assert edited == 10_000 and versions == {2}
        again = laptop.sync.sync(pg_url)
        assert (again.pushed, again.pulled) == (0, 0)
    finally:
        laptop.close()
        team.close()
