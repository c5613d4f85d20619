"""A bundle merge killed with SIGKILL at any moment leaves the database as it was, or merged."""

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

pytestmark = pytest.mark.slow


def _child(db: str, bundle: str, ready) -> None:  # noqa: ANN001 - a multiprocessing pipe
    svc = Services.open(db, author="Bob")
    ready.send("ready")
    svc.sync_bundles.merge(Path(bundle))
    os._exit(0)  # skip atexit handlers inherited from the test process


def _merge_in_child(db: Path, bundle: Path, delay: float | None) -> float:
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=_child, args=(str(db), str(bundle), theirs))
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


def _state(db: Path) -> dict:
    svc = Services.open(db)
    try:
        return dump(svc)
    finally:
        svc.close()


def test_a_bundle_merge_killed_at_random_points_is_all_or_nothing(tmp_path):
    ann = Services.open(tmp_path / "ann.sqlite", author="Ann")
    bob = Services.open(tmp_path / "bob.sqlite", author="Bob")
    load_sample(ann)
    bob.sync_bundles.merge(
        ann.sync_bundles.export(tmp_path / "first.json", include_confidential=True)
    )
    rows = ann.strategies.list()
    for i, row in enumerate(rows[:6]):
        edit(ann, row.uid, title=f"{row.title} (Ann)")
        edit(bob, row.uid, summary=f"Bob's summary {i}")
    bundle = ann.sync_bundles.export(tmp_path / "ann.json", include_confidential=True)
    ann.close()
    bob.close()
    start = tmp_path / "bob.sqlite"
    before = _state(start)

    clean = tmp_path / "clean.sqlite"
    shutil.copy(start, clean)
    duration = _merge_in_child(clean, bundle, None)
    after = _state(clean)
    assert after != before

    rng = random.Random(20261128)
    delays = [0.0] + [rng.uniform(0.0, duration) for _ in range(7)]
    for trial, delay in enumerate(delays):
        db = tmp_path / f"trial{trial}.sqlite"
        shutil.copy(start, db)
        _merge_in_child(db, bundle, delay)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        now = _state(db)
        assert now in (before, after), f"trial {trial}: half-merged"
        if trial == 0:
            assert now == before
        # Merging again completes (or repeats without change) what the kill interrupted.
        svc = Services.open(db, author="Bob")
        try:
            svc.sync_bundles.merge(bundle)
        finally:
            svc.close()
        assert _state(db) == after
