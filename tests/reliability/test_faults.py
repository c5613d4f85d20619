"""Kill -9, a full disk and two app instances: the database stays whole, all or nothing.

The child processes and the checks live in benchmarks/faults.py, which also prints the
figures for docs/reliability.md with more trials.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchmarks import faults as F

pytestmark = pytest.mark.slow


def test_an_import_of_10000_rows_killed_at_random_points_is_all_or_nothing(tmp_path: Path):
    tally = F.kill_import(tmp_path, trials=20, rows=10_000, seed=11)
    assert (tally.tried, tally.survived) == (20, 20)


def test_saves_killed_at_random_points_keep_every_confirmed_save(tmp_path: Path):
    tally = F.kill_save(tmp_path, trials=8, seed=12)
    assert (tally.tried, tally.survived) == (8, 8)


def test_a_restore_killed_at_random_points_leaves_the_old_or_the_new_database(tmp_path: Path):
    tally = F.kill_restore(tmp_path, trials=6, seed=13)
    assert (tally.tried, tally.survived) == (6, 6)


@pytest.mark.parametrize("kind", ["save", "import", "backup", "export"])
def test_a_full_disk_fails_cleanly_and_changes_nothing(tmp_path: Path, kind: str):
    tally = F.disk_full(tmp_path, kind)
    assert (tally.tried, tally.survived) == (len(F.DISK_CAPS), len(F.DISK_CAPS))


def test_two_app_instances_writing_at_once_lose_nothing(tmp_path: Path):
    db = F.make_db(tmp_path / "shared.sqlite", strategies=0)
    writers = [F.spawn("writer", str(db), "200", name) for name in ("left", "right")]
    outputs = [w.communicate(timeout=110)[0] for w in writers]
    assert [o.strip() for o in outputs] == ["done", "done"]
    ok, count = F.inspect_db(db)
    assert ok and count == 400


def test_the_figures_command_runs_its_children_from_the_repository(tmp_path: Path):
    proc = subprocess.run(
        [F.sys.executable, "-m", "benchmarks.faults", "--help"],
        cwd=F.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--quick" in proc.stdout
