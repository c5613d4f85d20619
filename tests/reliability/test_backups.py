"""Verified rotating backups, the schedule, restore, and the backup before an upgrade."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evidencetracker.cli.main import main as cli
from evidencetracker.db.backup import check_sqlite_file
from evidencetracker.db.migrate import default_backup_dir
from evidencetracker.domain.errors import StorageError
from evidencetracker.services.backups import BackupService, RotationPolicy
from evidencetracker.services.container import Services
from tests.reliability.conftest import add_strategies

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_backup_is_verified_and_lands_in_the_rotation_with_its_counts(filled: Services):
    backups = BackupService(filled.db)
    info = backups.backup_now()
    assert info.path.parent == default_backup_dir(filled.db.path)
    assert check_sqlite_file(info.path) == []
    assert (info.strategies, info.sources) == (3, 0)
    assert [b.path for b in backups.list()] == [info.path]
    assert not list(info.path.parent.glob("*.tmp"))
    # A self-contained file: rollback journal mode, no -wal beside it.
    conn = sqlite3.connect(info.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_backup_failing_its_check_never_replaces_a_good_one(filled: Services):
    policy = RotationPolicy(keep_recent=2, cap=3)
    clock = Clock()
    good = BackupService(filled.db, policy=policy, clock=clock)
    for _ in range(5):
        clock.now += timedelta(hours=2)
        good.backup_now("auto")
    kept = good.list()
    assert len(kept) == 3
    newest_bytes = kept[0].path.read_bytes()
    failing = BackupService(
        filled.db, policy=policy, clock=clock, verify=lambda p, k: ["page 3: forced failure"]
    )
    add_strategies(filled, 1, "later")
    for _ in range(3):
        clock.now += timedelta(hours=2)
        with pytest.raises(StorageError, match="forced failure"):
            failing.backup_now("auto")
    after = good.list()
    assert [b.path for b in after] == [b.path for b in kept]
    assert after[0].path.read_bytes() == newest_bytes
    assert len(after) <= policy.cap
    assert not list(kept[0].path.parent.glob("*.tmp*"))


def test_the_rotation_policy_keeps_hours_then_days_then_weeks_within_the_cap():
    policy = RotationPolicy(keep_recent=3, cap=25)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    taken = [now - timedelta(hours=3 * i) for i in range(8 * 60)]  # every 3 h for 60 days
    kept = [t for t, k in zip(taken, policy.keep(taken, now), strict=True) if k]
    assert kept[:3] == taken[:3] and len(kept) == policy.cap
    ages = [now - t for t in kept]
    hours = [a for a in ages if a < timedelta(hours=24)]
    assert len(hours) == 8  # one per 3-hour slot in the last day
    days = {t.date() for t, a in zip(kept, ages, strict=True) if timedelta(1) <= a < timedelta(14)}
    assert len(days) >= 12
    assert max(ages) > timedelta(days=20)  # weekly ones reach further back


def test_the_rotation_folder_never_holds_more_than_the_cap(filled: Services):
    clock = Clock()
    policy = RotationPolicy(keep_recent=2, cap=5)
    backups = BackupService(filled.db, policy=policy, clock=clock)
    for _ in range(12):
        clock.now += timedelta(hours=7)
        backups.backup_now("auto")
        assert len(backups.list()) <= policy.cap
    assert len(list(backups.folder.iterdir())) == policy.cap


def test_the_schedule_backs_up_only_when_something_changed_and_the_last_is_old(filled: Services):
    clock = Clock()
    backups = BackupService(filled.db, clock=clock)
    assert backups.maybe_backup(changed_since_last=False) is None
    first = backups.maybe_backup(changed_since_last=True)
    assert first is not None and first.reason == "auto"
    clock.now += timedelta(minutes=10)
    assert backups.maybe_backup(changed_since_last=True) is None
    clock.now += timedelta(minutes=25)
    assert backups.maybe_backup(changed_since_last=True) is not None


def test_restore_backs_up_first_and_replaces_everything(filled: Services, db_path: Path):
    backups = BackupService(filled.db)
    chosen = backups.backup_now()
    add_strategies(filled, 4, "after")
    safety = backups.before("restore")  # an earlier "before" backup; restore takes its own
    restored_from = chosen.path
    result = backups.restore(restored_from)
    filled.close()
    assert result.strategies == 7 and result.reason == "before-restore"
    reopened = Services.open(db_path)
    try:
        assert reopened.strategies.count() == 3
    finally:
        reopened.close()
    assert check_sqlite_file(db_path) == []
    assert safety is not None


def test_a_damaged_backup_is_refused_and_nothing_changes(filled: Services, tmp_path: Path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(StorageError, match="damaged"):
        BackupService(filled.db).restore(bad)
    assert filled.strategies.count() == 3


def test_the_backup_before_an_upgrade_goes_into_the_rotation(tmp_path: Path):
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "0001.sqlite", db)
    services = Services.open(db)
    try:
        listed = BackupService(services.db).list()
    finally:
        services.close()
    assert [b.reason for b in listed] == ["before-upgrade-0001"]
    assert listed[0].label == "before upgrade 0001"
    assert listed[0].strategies == 10


def test_backups_taken_while_another_thread_writes_are_each_a_committed_state(
    filled: Services,
):
    backups = BackupService(filled.db, policy=RotationPolicy(keep_recent=10))
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            add_strategies(filled, 1, f"w{i}")
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        taken = [backups.backup_now("auto") for _ in range(5)]
    finally:
        stop.set()
        thread.join()
    for info in taken:
        assert check_sqlite_file(info.path) == []
        conn = sqlite3.connect(info.path)
        strategies = conn.execute("SELECT count(*) FROM strategies").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
        conn.close()
        assert strategies == audits  # each create writes both in one transaction


def test_the_cli_backs_up_lists_restores_and_checks(filled: Services, db_path: Path, capsys):
    filled.close()
    out_file = db_path.parent / "copy.sqlite"
    assert cli(["--db", str(db_path), "backup"]) == 0
    assert cli(["--db", str(db_path), "backup", "-o", str(out_file)]) == 0
    assert check_sqlite_file(out_file) == []
    assert cli(["--db", str(db_path), "backups"]) == 0
    listing = capsys.readouterr().out
    assert "manual" in listing and "1 backups" in listing
    assert cli(["--db", str(db_path), "restore", str(out_file)]) == 0
    assert "backed up to" in capsys.readouterr().out
    assert cli(["--db", str(db_path), "check"]) == 0
    assert "passed every check" in capsys.readouterr().out
