"""Keeping data safe from the command line: backup, restore, backups, check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evidencetracker.cli.output import table
from evidencetracker.db.engine import network_warning
from evidencetracker.services.backups import BackupInfo, BackupService
from evidencetracker.services.container import Services
from evidencetracker.services.integrity import IntegrityService


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="take a verified backup now (into the rotation, or -o FILE)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the backup to FILE instead")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("backups", help="list the backups of the database, newest first")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser(
        "restore", help="replace the database by a backup (the current state is backed up first)"
    )
    p.add_argument("file", help="the backup file to restore")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help="check the database; --repair fixes what is safe to fix")
    p.add_argument(
        "--repair", action="store_true", help="back up, then repair what can be repaired"
    )
    p.set_defaults(func=cmd_check)


def _warn(services: Services) -> None:
    path = services.db.path
    warning = network_warning(path) if path is not None else None
    if warning:
        print(f"warning: {warning}", file=sys.stderr)


def describe(info: BackupInfo) -> list[str]:
    when = info.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    counts = "?" if info.strategies is None else str(info.strategies)
    sources = "?" if info.sources is None else str(info.sources)
    return [when, info.label, f"{info.size / 1024:,.0f} KB", counts, sources, str(info.path)]


HEADERS = ["Taken", "Why", "Size", "Strategies", "Sources", "File"]


def cmd_backup(services: Services, args: argparse.Namespace) -> int:
    _warn(services)
    backups = BackupService(services.db)
    target = Path(args.output).expanduser() if args.output else None
    info = backups.backup_now("manual", destination=target)
    print(f"Backup written and verified: {info.path}")
    print(f"{info.strategies} strategies, {info.sources} evidence sources, {info.size:,} bytes")
    return 0


def cmd_backups(services: Services, args: argparse.Namespace) -> int:
    backups = BackupService(services.db)
    rows = backups.list()
    if not rows:
        print(f"No backups yet in {backups.folder}.")
        return 0
    print(table([describe(b) for b in rows], HEADERS))
    print(f"\n{len(rows)} backups in {backups.folder}")
    return 0


def cmd_restore(services: Services, args: argparse.Namespace) -> int:
    backups = BackupService(services.db)
    safety = backups.restore(Path(args.file).expanduser())
    print(f"Restored {args.file}.")
    print(f"The state before the restore was backed up to {safety.path}")
    return 0


def cmd_check(services: Services, args: argparse.Namespace) -> int:
    _warn(services)
    integrity = IntegrityService(services.ctx)
    report = integrity.check()
    if report.ok:
        print("The database passed every check.")
        return 0
    print(f"{len(report.problems)} problem(s) found:")
    for problem in report.problems:
        print(f"  - {problem.message}" + ("" if problem.repairable else " (not repairable)"))
    if not args.repair:
        if report.repairable:
            print("Run 'check --repair' to back up and repair what can be repaired.")
        return 1
    result = integrity.repair()
    if result.backup is not None:
        print(f"Backed up to {result.backup.path} before repairing.")
    for action in result.actions:
        print(f"  repaired: {action}")
    if result.after.ok:
        print("The database now passes every check.")
        return 0
    print(f"{len(result.after.problems)} problem(s) remain:")
    for problem in result.after.problems:
        print(f"  - {problem.message}")
    return 1
