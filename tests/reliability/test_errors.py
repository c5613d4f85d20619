"""Errors people can act on: disk full, read-only, locked, newer version; risky folders."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from evidencetracker.db.engine import network_warning
from evidencetracker.db.errors import NewerSchemaError
from evidencetracker.domain.errors import StorageError
from evidencetracker.services.container import Services
from evidencetracker.services.context import storage_message
from tests.reliability.conftest import STRATEGY, add_strategies


@pytest.mark.parametrize(
    "exc",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EFBIG, "File too large"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("disk I/O error"),
    ],
)
def test_a_full_disk_gets_the_disk_full_message(exc: BaseException):
    message = storage_message(exc)
    assert message.startswith("The disk is full") and "Free some space" in message


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.OperationalError("attempt to write a readonly database"),
        sqlite3.OperationalError("unable to open database file"),
        PermissionError(errno.EACCES, "Permission denied"),
    ],
)
def test_permission_problems_get_the_read_only_message(exc: BaseException):
    assert "cannot be written (read-only or no permission)" in storage_message(exc)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only file")
def test_a_read_only_database_refuses_saves_with_a_clear_message(services: Services, db_path):
    add_strategies(services, 1)
    services.close()
    os.chmod(db_path, 0o444)
    try:
        reopened = Services.open(db_path)
        try:
            with pytest.raises(StorageError, match="cannot be written .*permissions"):
                reopened.strategies.create({**STRATEGY, "title": "new"})
        finally:
            reopened.close()
    finally:
        os.chmod(db_path, 0o644)


@pytest.mark.slow
def test_a_database_locked_by_another_program_gets_a_clear_message(
    services: Services, db_path: Path
):
    add_strategies(services, 1)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked by another program"):
            services.strategies.create({**STRATEGY, "title": "blocked"})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert services.strategies.count() == 1


def test_a_database_from_a_newer_version_says_to_install_it(db_path: Path):
    Services.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError, match="newer version .* Install the newer version"):
        Services.open(db_path)


@pytest.mark.parametrize(
    "folder", ["OneDrive - Example Org", "Dropbox", "Google Drive", "iCloud Drive"]
)
def test_a_cloud_synced_folder_gets_a_warning_and_no_wal(tmp_path: Path, folder: str):
    db_path = tmp_path / folder / "evidence.sqlite"
    assert "cloud-synced folder" in network_warning(db_path)
    services = Services.open(db_path)
    try:
        add_strategies(services, 1)
        with services.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        services.close()


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "smb3", "fuse.sshfs"])
def test_a_network_filesystem_gets_a_warning(fstype: str):
    mounts = [("/", "ext4"), ("/mnt/team", fstype)]
    assert fstype in network_warning(Path("/mnt/team/evidence.sqlite"), mounts)
    assert network_warning(Path("/home/me/evidence.sqlite"), mounts) is None
