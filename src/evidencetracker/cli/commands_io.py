"""Search, import and export from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evidencetracker.cli.output import print_json, table
from evidencetracker.domain import search_query
from evidencetracker.services.container import Services
from evidencetracker.services.exporting import FORMATS, ExportService
from evidencetracker.services.exporting.bundle import import_bundle
from evidencetracker.services.importing import ImportFileError, ImportService, drive
from evidencetracker.services.importing.citations import run_citations
from evidencetracker.services.importing.mapping import load_preset_file

EXIT_INVALID = 5
EXIT_USAGE = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="full-text search over strategies, evidence and findings")
    p.add_argument("query", help='words, "exact phrases", prefix* and -exclusions')
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("import", help="import a .csv, .xlsx, .ris, .bib or .json bundle")
    p.add_argument("file", type=Path)
    p.add_argument("--preset", help="a mapping preset (built in: wwc, tip-grants)")
    p.add_argument("--mapping", type=Path, help="a mapping preset file (JSON)")
    p.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    p.add_argument(
        "--merge-duplicates",
        action="store_true",
        help="citations: merge duplicates into the existing sources",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export to CSV (a folder), XLSX, RIS or a JSON bundle")
    p.add_argument("out", type=Path)
    p.add_argument("--format", choices=FORMATS)
    p.add_argument("--include-confidential", action="store_true")
    p.set_defaults(func=cmd_export)


def cmd_search(services: Services, args: argparse.Namespace) -> int:
    hits = services.search.search(args.query, limit=args.limit)
    if args.json:
        print_json(
            [
                {
                    "entity_type": h.entity_type,
                    "uid": h.uid,
                    "strategy_uid": h.strategy_uid,
                    "title": h.title,
                    "snippet": h.snippet_text(),
                    "rank": h.rank,
                }
                for h in hits
            ]
        )
        return 0
    rows = [[h.entity_type, h.title, h.snippet_text("**", "**"), str(h.uid)] for h in hits]
    print(table(rows, ["Type", "Title", "Snippet", "ID"]) if rows else "No matches.")
    if not search_query.positive(search_query.parse(args.query)):
        print("(the query holds no words to search for)", file=sys.stderr)
    return 0


def _print_report(report) -> None:  # noqa: ANN001 - an ImportReport
    print(report.summary())
    if report.encoding:
        print(f"Encoding: {report.encoding}")
    for rejection in report.rejected:
        print(f"  rejected {rejection}")
    for duplicate in report.duplicates:
        other = duplicate.existing_uid or f"entry {duplicate.other_entry}"
        print(
            f"  duplicate entry {duplicate.entry} ({duplicate.reason} as {other}): "
            f"{duplicate.title[:80]}"
        )
    for warning in report.warnings:
        print(f"  note: {warning}")


def cmd_import(services: Services, args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        print(f"error: {path} does not exist", file=sys.stderr)
        return EXIT_USAGE
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            if args.dry_run:
                print("error: a bundle import has no dry run", file=sys.stderr)
                return EXIT_USAGE
            counts = import_bundle(services.ctx, path)
            print("Imported: " + ", ".join(f"{n} {t}" for t, n in counts.items() if n))
            return 0
        if suffix in (".ris", ".bib"):
            report = drive(
                run_citations(services.ctx, path, merge=args.merge_duplicates, dry_run=args.dry_run)
            )
        elif suffix in (".csv", ".xlsx", ".xlsm"):
            importer = ImportService(services.ctx)
            if args.mapping:
                loaded = load_preset_file(args.mapping)
                proposal = importer.propose(path, converter=loaded.converter)
                report = importer.import_file(
                    path,
                    converter=loaded.converter,
                    mapping={**proposal.mapping, **loaded.mapping},
                    dry_run=args.dry_run,
                )
            else:
                report = importer.import_file(path, preset=args.preset, dry_run=args.dry_run)
        else:
            print(
                f"error: {path.name}: use a .csv, .xlsx, .ris, .bib or .json file", file=sys.stderr
            )
            return EXIT_USAGE
    except ImportFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    _print_report(report)
    return 0


def cmd_export(services: Services, args: argparse.Namespace) -> int:
    written = ExportService(services.ctx).export(
        args.out, fmt=args.format, include_confidential=args.include_confidential
    )
    for path in written:
        print(f"Wrote {path}")
    if args.include_confidential:
        print("CONFIDENTIAL content included.")
    return 0
