"""A damaged database is set aside as *.damaged and its newest verified backup restored."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.faults import DAMAGE, damage
from evidencetracker.db.backup import check_sqlite_file
from evidencetracker.db.errors import NotADatabaseError
from evidencetracker.services.backups import BackupService
from evidencetracker.services.container import Services
from evidencetracker.services.recovery import open_or_recover, restore_recovered
from tests.reliability.conftest import add_strategies, both_checks


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_database_is_kept_and_the_newest_verified_backup_restored(
    how: str, db_path: Path
):
    services = Services.open(db_path)
    add_strategies(services, 30)
    backups = BackupService(services.db)
    older = backups.backup_now()
    add_strategies(services, 5, "newer")
    newest = backups.backup_now()
    add_strategies(services, 1, "lost")
    services.close()
    newest.path.with_name(newest.path.name)  # the newest backup is the one to offer
    damage(db_path, how)
    damaged_bytes = db_path.read_bytes()

    result = open_or_recover(db_path, "Tester")
    assert result.services is None
    recovery = result.recovery
    assert recovery.damaged == db_path.with_name(db_path.name + ".damaged")
    assert recovery.damaged.read_bytes() == damaged_bytes  # kept, never deleted
    assert not db_path.exists()
    assert recovery.backup.path == newest.path and recovery.backup.strategies == 35
    when = recovery.backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert when in recovery.message and ".damaged" in recovery.message

    restored = restore_recovered(recovery, "Tester")
    try:
        assert restored.strategies.count() == 35
    finally:
        restored.close()
    assert both_checks(db_path) == ("ok", [])
    assert older.path.exists()


def test_a_damaged_newest_backup_is_skipped_for_an_older_good_one(db_path: Path):
    services = Services.open(db_path)
    add_strategies(services, 2)
    backups = BackupService(services.db)
    good = backups.backup_now()
    add_strategies(services, 2, "more")
    bad = backups.backup_now()
    services.close()
    damage(bad.path, "60% truncation")
    damage(db_path, "flipped page")
    recovery = open_or_recover(db_path).recovery
    assert recovery.backup.path == good.path
    assert check_sqlite_file(recovery.backup.path) == []


def test_a_file_that_is_not_ours_and_has_no_backups_is_refused_not_renamed(tmp_path: Path):
    stranger = tmp_path / "notes.sqlite"
    stranger.write_bytes(b"shopping list\n" * 50)
    with pytest.raises(NotADatabaseError):
        open_or_recover(stranger)
    assert stranger.exists() and not stranger.with_name("notes.sqlite.damaged").exists()


def test_a_sound_database_opens_normally(db_path: Path):
    services = Services.open(db_path)
    add_strategies(services, 1)
    services.close()
    result = open_or_recover(db_path, "Tester")
    try:
        assert result.recovery is None and result.services.strategies.count() == 1
        assert result.warning is None
    finally:
        result.services.close()
