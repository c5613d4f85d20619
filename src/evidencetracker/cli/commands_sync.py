"""Team database and offline merge: sync, bundle-export, merge, conflicts, resolve."""

from __future__ import annotations

import argparse
from pathlib import Path

from evidencetracker.cli.output import print_json, table
from evidencetracker.services.container import Services
from evidencetracker.services.sync.conflicts import ConflictRecord


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="exchange changes with the team database (both ways)")
    p.add_argument("--remote", required=True, metavar="URL", help="the team database URL or path")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "bundle-export", help="write a merge bundle (everything, or changes since a peer)"
    )
    p.add_argument("out", type=Path, help="the .json bundle to write")
    p.add_argument("--since-peer", metavar="NAME", help="only changes since the last exchange")
    p.add_argument(
        "--include-confidential", action="store_true", help="include confidential records"
    )
    p.set_defaults(func=cmd_bundle_export)

    p = sub.add_parser("merge", help="merge a bundle from another evaluator (all or nothing)")
    p.add_argument("file", type=Path, help="the .json bundle")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("conflicts", help="list open merge conflicts")
    p.add_argument("--all", action="store_true", help="include resolved conflicts")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("resolve", help="decide a merge conflict")
    p.add_argument("conflict_id", help="the conflict's ID (or its first 6+ characters)")
    p.add_argument(
        "--keep",
        required=True,
        choices=("local", "remote", "a", "b", "value"),
        help="local: the value made here; remote: the other; a/b as listed; value: --value",
    )
    p.add_argument("--value", help="the edited value, with --keep value")
    p.set_defaults(func=cmd_resolve)


def cmd_sync(services: Services, args: argparse.Namespace) -> int:
    def progress(what: str, percent: int) -> None:
        print(f"[{percent:3d}%] {what}")

    report = services.sync.sync(args.remote, progress)
    print(report.summary())
    return 0


def cmd_bundle_export(services: Services, args: argparse.Namespace) -> int:
    path = services.sync_bundles.export(
        args.out, since_peer=args.since_peer, include_confidential=args.include_confidential
    )
    print(f"Wrote {path}")
    return 0


def cmd_merge(services: Services, args: argparse.Namespace) -> int:
    report = services.sync_bundles.merge(args.file)
    print(report.summary())
    return 0


def _who(c: ConflictRecord, which: str) -> str:
    cand = c.a if which == "a" else c.b
    where = " (made here)" if cand.made_here else ""
    return f"{c.describe(cand.value)}  [{cand.author or 'unknown'}, {cand.at[:16]}{where}]"


def cmd_conflicts(services: Services, args: argparse.Namespace) -> int:
    rows = services.conflicts.list(status=None if args.all else "open")
    if args.json:
        print_json(rows)
        return 0
    print(
        table(
            [
                [
                    str(c.uid)[:8],
                    f"{c.entity} '{c.title}'",
                    c.field_label,
                    c.describe(c.base) if c.has_base else "(none)",
                    _who(c, "a"),
                    _who(c, "b"),
                    c.status,
                ]
                for c in rows
            ],
            ["ID", "Record", "Field", "Before", "Value a", "Value b", "Status"],
        )
    )
    print(f"\n{len(rows)} conflicts")
    return 0


def cmd_resolve(services: Services, args: argparse.Namespace) -> int:
    if args.keep == "value" and args.value is None:
        print("error: --keep value needs --value TEXT")
        return 2
    c = services.conflicts.resolve(args.conflict_id, args.keep, args.value)
    print(f"Resolved: {c.field_label} of {c.entity} '{c.title}'.")
    return 0
