"""A sync killed with SIGKILL at random moments leaves both databases whole; the retry converges.

Each trial starts from the same two databases (a laptop file and a PostgreSQL team database,
copied), runs the sync in a forked child, kills it after a random delay spread over the
sync's duration, then checks that each side holds either its state before or its state
after a clean sync, and that a retry reaches exactly the clean result.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from tests.sync.conftest import dump, edit
from tests.sync.test_sync_team import _copy_pg, _drop_pg

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _child(laptop: str, team_url: str, ready) -> None:  # noqa: ANN001 - a multiprocessing pipe
    svc = Services.open(laptop, author="Ann")
    ready.send("ready")
    svc.sync.sync(team_url)
    os._exit(0)  # skip atexit handlers inherited from the test process


def _prepare(folder: Path, team_url: str) -> None:
    """A laptop and a team database that both changed since their last sync."""
    laptop = Services.open(folder / "laptop.sqlite", author="Ann")
    load_sample(laptop)
    laptop.sync.sync(team_url)
    team = Services.open(team_url, author="Bob")
    rows = laptop.strategies.list()
    for i, row in enumerate(rows[:6]):
        edit(laptop, row.uid, title=f"{row.title} (Ann)")
        edit(team, row.uid, summary=f"Bob's summary {i}" if i % 2 else "", title=f"Bob {i}")
    laptop.strategies.purge(rows[7].uid)
    edit(team, rows[7].uid, summary="Bob kept this one")
    team.strategies.trash(rows[8].uid)
    team.close()
    laptop.close()


def _run_child(laptop: Path, team_url: str, delay: float | None) -> float:
    """Sync in a forked child; kill it ``delay`` s after it is ready, or return its duration.

    Forking (rather than starting a new interpreter) puts each kill point within a fraction
    of a second of the sync's start, so the points spread over the sync itself.
    """
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=_child, args=(str(laptop), team_url, theirs))
    child.start()
    assert ours.poll(30) and ours.recv() == "ready"
    t0 = time.monotonic()
    if delay is None:
        child.join(60)
        assert child.exitcode == 0
        return time.monotonic() - t0
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.join(30)
    return delay


def _retry(laptop: Path, team_url: str) -> None:
    svc = Services.open(laptop, author="Ann")
    try:
        svc.sync.sync(team_url)
    finally:
        svc.close()


def _dumps(folder: Path, team_url: str) -> tuple[dict, dict]:
    laptop = Services.open(folder / "laptop.sqlite")
    team = Services.open(team_url)
    try:
        return dump(laptop), dump(team)
    finally:
        laptop.close()
        team.close()


def test_sync_killed_at_random_points_is_all_or_nothing_and_retry_converges(tmp_path, pg_url):
    start = tmp_path / "start"
    start.mkdir()
    _prepare(start, pg_url)
    before = _dumps(start, pg_url)

    # The clean run: its duration spreads the kill points, its result is the reference.
    clean = tmp_path / "clean"
    shutil.copytree(start, clean)
    clean_url = _copy_pg(pg_url, "clean")
    duration = _run_child(clean / "laptop.sqlite", clean_url, None)
    after = _dumps(clean, clean_url)
    _drop_pg(clean_url)
    assert after != before

    rng = random.Random(20261130)
    # The first kill lands as the sync starts; the others anywhere in its run. Where they land
    # relative to the commits depends on the machine's speed, so the test asserts what must
    # hold at every point (all or nothing, and a converging retry), not where the kills fell.
    delays = [0.0] + [rng.uniform(0.0, duration) for _ in range(9)]
    outcomes = []
    for trial, delay in enumerate(delays):
        folder = tmp_path / f"trial{trial}"
        shutil.copytree(start, folder)
        team_url = _copy_pg(pg_url, f"t{trial}")
        try:
            _run_child(folder / "laptop.sqlite", team_url, delay)
            with sqlite3.connect(folder / "laptop.sqlite") as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            laptop_now, team_now = _dumps(folder, team_url)
            assert laptop_now in (before[0], after[0]), f"trial {trial}: laptop half-synced"
            assert team_now in (before[1], after[1]), f"trial {trial}: team half-synced"
            outcomes.append((laptop_now == after[0], team_now == after[1]))
            # The retry completes whatever the kill interrupted.
            _retry(folder / "laptop.sqlite", team_url)
            assert _dumps(folder, team_url) == after
        finally:
            _drop_pg(team_url)
    assert outcomes[0] == (False, False)  # killed at the start: nothing was written anywhere
    assert len(outcomes) == len(delays)
