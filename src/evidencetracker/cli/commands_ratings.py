"""Ratings, comparison and the gap map on the command line: rate, compare, gapmap."""

from __future__ import annotations

import argparse
import textwrap

from evidencetracker.cli.output import label, print_json, table
from evidencetracker.domain.comparison_records import MAX_COMPARED, MIN_COMPARED, GapMap
from evidencetracker.domain.rating_records import OutcomeRatingView, rating_text
from evidencetracker.services.container import Services
from evidencetracker.services.gapmap import LAYOUTS

ID_HELP = "a strategy's ID (or a unique prefix of at least 6 characters)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rate", help="a strategy's ratings per outcome, with the reasons")
    p.add_argument("id", help=ID_HELP)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_rate)

    p = sub.add_parser("compare", help=f"{MIN_COMPARED} to {MAX_COMPARED} strategies side by side")
    p.add_argument("ids", nargs="+", metavar="ID", help=ID_HELP)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("gapmap", help="the evidence gap map: studies and best level by P")
    p.add_argument(
        "--layout",
        choices=sorted(LAYOUTS),
        default="partnership_type",
        help="rows: partnership types (default) or outcome levels",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_gapmap)


def _wrap(text: str, indent: str = "    ", width: int = 96) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent) or [indent]


def _outcome_lines(o: OutcomeRatingView) -> list[str]:
    tags = [label(o.outcome_level), label(o.focus)] + (["primary"] if o.primary else [])
    lines = [f"{o.title} [{', '.join(tags)}]"]
    if o.override is not None:
        ov = o.override
        lines.append(f"  Rating: {rating_text(ov.level, ov.certainty)} - OVERRIDE")
        lines.append(
            f"  Overridden by {ov.reviewer or 'unknown'} on "
            f"{ov.created_at.astimezone():%Y-%m-%d %H:%M}:"
        )
        lines += _wrap(f"\u201c{ov.justification}\u201d")
        lines.append(f"  Computed by the rubric: {rating_text(o.level, o.certainty)}")
    else:
        lines.append(f"  Rating: {rating_text(o.level, o.certainty)}")
    if o.studies:
        lines.append("  Studies counted:")
        rows = [[s.label, str(s.score), label(s.verdict), label(s.design)] for s in o.studies]
        lines += [
            "    " + line
            for line in table(rows, ["Study", "Score", "Verdict", "Design"]).splitlines()
        ]
    lines.append(f"  Why (rubric v{o.rubric_version}):")
    lines += _wrap(o.trace)
    withdrawn = [ov for ov in o.past_overrides if not ov.active]
    for ov in withdrawn:
        lines.append(
            f"  Withdrawn override: {rating_text(ov.level, ov.certainty)} by "
            f"{ov.reviewer or 'unknown'} on {ov.created_at.astimezone():%Y-%m-%d}"
        )
    return lines


def cmd_rate(services: Services, args: argparse.Namespace) -> int:
    uid = services.strategies.resolve(args.id)
    ratings = services.ratings.for_strategy(uid)
    if args.json:
        print_json(ratings)
        return 0
    title = ratings.title
    lines = [title, "=" * len(title)]
    headline = f"Headline rating: {rating_text(ratings.headline_level, ratings.headline_certainty)}"
    if ratings.harm_flag:
        headline += "   HARM FLAGGED: an outcome is rated Harmful"
    lines += [headline, f"Rubric version {ratings.rubric_version}", ""]
    if not ratings.outcomes:
        lines.append("No outcomes recorded.")
    for o in ratings.outcomes:
        lines += _outcome_lines(o) + [""]
    lines.append("External ratings (shown beside the app's own; never used by the rubric):")
    lines += [
        f"  - {label(x.source)}: {x.rating}"
        + (f" ({x.rated_on})" if x.rated_on else "")
        + (f" {x.url}" if x.url else "")
        for x in ratings.external_ratings
    ] or ["  none recorded"]
    print("\n".join(lines))
    return 0


def _side_by_side(headers: list[str], rows: list[tuple[str, list[str]]], width: int = 30) -> str:
    """A table whose cells wrap onto several lines; the first column holds the row labels."""
    label_width = max(len(h) for h, _ in rows) + 2

    def block(label_text: str, cells: list[str]) -> list[str]:
        wrapped = [
            [w for part in cell.split("\n") for w in (textwrap.wrap(part, width) or [""])]
            for cell in cells
        ]
        height = max(len(w) for w in wrapped)
        out = []
        for i in range(height):
            first = label_text if i == 0 else ""
            parts = [first.ljust(label_width)]
            parts += [(w[i] if i < len(w) else "").ljust(width) for w in wrapped]
            out.append("  ".join(parts).rstrip())
        return out

    lines = block("", headers)
    lines.append("-" * (label_width + (width + 2) * len(headers)))
    for label_text, cells in rows:
        lines += block(label_text, cells)
    return "\n".join(lines)


def cmd_compare(services: Services, args: argparse.Namespace) -> int:
    uids = [services.strategies.resolve(i) for i in args.ids]
    comparison = services.comparisons.compare(uids)
    if args.json:
        print_json(comparison)
        return 0
    headers = [s.title + (" [sample]" if s.is_sample else "") for s in comparison.strategies]
    rows = [(("* " if r.differs else "  ") + r.label, list(r.values)) for r in comparison.rows]
    print(_side_by_side(headers, rows))
    print("\n* marks the rows whose values differ between the strategies.")
    return 0


def gap_cell_text(cell) -> str:  # noqa: ANN001 - a GapCell
    if cell.empty:
        return f"- ({cell.strategies})" if cell.strategies else "-"
    level = cell.best_level.label if cell.best_level else "Not rated"
    return f"{cell.studies} | {level}{' !' if cell.harm else ''} | {cell.strategies}"


def gap_table(gap: GapMap) -> str:
    rows = [
        [row_label] + [gap_cell_text(gap.cell(row, p)) for p in gap.columns]
        for row, row_label in zip(gap.rows, gap.row_labels, strict=True)
    ]
    first = "Partnership type" if gap.layout == "partnership_type" else "Outcome level"
    return table(rows, [first] + [p.label for p in gap.columns])


def cmd_gapmap(services: Services, args: argparse.Namespace) -> int:
    gap = services.gapmap.matrix(None, args.layout)
    if args.json:
        print_json(gap)
        return 0
    print(gap_table(gap))
    legend = (
        "Each cell: studies | best level reached | strategies. '-' marks an empty cell (no "
        "studies; in brackets, the strategies there without evidence). '!' means an outcome "
        "there is rated Harmful."
    )
    print("\n" + textwrap.fill(legend, 100))
    return 0
