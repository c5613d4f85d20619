"""PDF briefs from the command line: brief, compare-brief, portfolio."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evidencetracker.domain import enums as E
from evidencetracker.domain import geography
from evidencetracker.domain.privacy import DEFAULT_SMALL_CELL_K, Disclosure
from evidencetracker.reports.options import BriefOptions
from evidencetracker.services.container import Services
from evidencetracker.services.strategies import StrategyQuery


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size")
    p.add_argument(
        "--include-confidential",
        action="store_true",
        help="include confidential content (every page is then marked CONFIDENTIAL)",
    )
    p.add_argument(
        "--small-cell-k",
        type=int,
        default=DEFAULT_SMALL_CELL_K,
        metavar="K",
        help=f"person counts below K print as 'fewer than K' (default {DEFAULT_SMALL_CELL_K})",
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("brief", help="write the PDF brief of one or more strategies")
    p.add_argument("ids", nargs="+", metavar="ID", help="strategy IDs (or 6+ character prefixes)")
    p.add_argument(
        "-o", "--output", required=True, help="the PDF (one ID) or a folder (several IDs)"
    )
    _common(p)
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("compare-brief", help="write a PDF comparing 2 to 6 strategies")
    p.add_argument("ids", nargs="+", metavar="ID", help="2 to 6 strategy IDs")
    p.add_argument("-o", "--output", required=True, help="the PDF to write")
    _common(p)
    p.set_defaults(func=cmd_compare_brief)

    p = sub.add_parser("portfolio", help="write the portfolio brief: gap map and strategies")
    p.add_argument("--filter", default="", help="words in the title or summary")
    p.add_argument("--focus", help="one of the 4Ps: " + ", ".join(f.value for f in E.Focus))
    p.add_argument("--type", dest="partnership_type", help="partnership type, e.g. ngo_coalition")
    p.add_argument("--country", help="ISO 3166 country code or M49 region, e.g. TH or M49:150")
    p.add_argument("-o", "--output", required=True, help="the PDF to write")
    _common(p)
    p.set_defaults(func=cmd_portfolio)


def _options(args: argparse.Namespace) -> tuple[BriefOptions, Disclosure]:
    if args.small_cell_k < 1:
        raise SystemExit("error: --small-cell-k must be at least 1")
    return BriefOptions(paper=args.paper), Disclosure(
        include_confidential=args.include_confidential, small_cell_k=args.small_cell_k
    )


def _warn_conflicts(services: Services, uids: list) -> None:
    disputed = services.conflicts.strategies_with_open_conflicts()
    count = len({str(u) for u in uids} & {str(u) for u in disputed})
    if count:
        print(
            f"warning: {count} of these strategies have open merge conflicts "
            "(evidencetracker-cli conflicts); some values may still change",
            file=sys.stderr,
        )


def cmd_brief(services: Services, args: argparse.Namespace) -> int:
    options, disclosure = _options(args)
    uids = [services.strategies.resolve(i) for i in args.ids]
    _warn_conflicts(services, uids)
    out = Path(args.output)
    if len(uids) == 1 and not out.is_dir():
        path = services.briefs.strategy_brief(uids[0], out, options, disclosure)
        print(f"Wrote {path}")
        return 0
    failures = 0
    for step in services.briefs.export_batch(uids, out, options, disclosure):
        if step.status == "written":
            print(f"[{step.done}/{step.total}] wrote {step.path}")
        else:
            failures += 1
            print(f"[{step.done}/{step.total}] {step.status}: {step.message}", file=sys.stderr)
    return 0 if failures == 0 else 1


def cmd_compare_brief(services: Services, args: argparse.Namespace) -> int:
    options, disclosure = _options(args)
    uids = [services.strategies.resolve(i) for i in args.ids]
    _warn_conflicts(services, uids)
    path = services.briefs.comparison_brief(uids, Path(args.output), options, disclosure)
    print(f"Wrote {path}")
    return 0


def cmd_portfolio(services: Services, args: argparse.Namespace) -> int:
    options, disclosure = _options(args)
    try:
        query = StrategyQuery(
            text=args.filter,
            focus=E.Focus.parse(args.focus) if args.focus else None,
            partnership_type=(
                E.PartnershipType.parse(args.partnership_type) if args.partnership_type else None
            ),
            geography=geography.normalise(args.country) if args.country else None,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    described = [
        f"'{args.filter}'" if args.filter else "",
        query.focus.label if query.focus else "",
        query.partnership_type.label if query.partnership_type else "",
        query.geography or "",
    ]
    path = services.briefs.portfolio_brief(
        Path(args.output),
        query,
        options,
        disclosure,
        filter_text=", ".join(d for d in described if d),
    )
    print(f"Wrote {path}")
    return 0
