"""The foundation commands: init, list, show."""

from __future__ import annotations

import argparse

from evidencetracker.cli.output import label, print_json, table
from evidencetracker.domain import geography
from evidencetracker.services.container import Services
from evidencetracker.services.sample import SAMPLE_LABEL, load_sample


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create or upgrade the database; --sample loads the sample")
    p.add_argument("--sample", action="store_true", help=f"load the {SAMPLE_LABEL.lower()}")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("list", help="list strategies")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show a strategy with everything attached to it")
    p.add_argument("id", help="the strategy's ID (or a unique prefix of at least 6 characters)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_show)


def cmd_init(services: Services, args: argparse.Namespace) -> int:
    added = load_sample(services) if args.sample else 0
    total = services.strategies.count()
    print(f"Database ready: {services.db.display_name}")
    if args.sample:
        print(f"Loaded {added} sample strategies ({SAMPLE_LABEL}).")
    print(f"{total} strategies in the database.")
    return 0


def cmd_list(services: Services, args: argparse.Namespace) -> int:
    rows = services.strategies.list()
    if args.json:
        print_json(rows)
        return 0
    print(
        table(
            [
                [
                    str(r.uid),
                    r.title + (" [sample]" if r.is_sample else ""),
                    label(r.partnership_type),
                    ", ".join(r.focus),
                    label(r.status),
                    label(r.headline_level),
                    str(r.source_count),
                ]
                for r in rows
            ],
            ["ID", "Title", "Partnership type", "Ps", "Status", "Rating", "Sources"],
        )
    )
    print(f"\n{len(rows)} strategies")
    return 0


def cmd_show(services: Services, args: argparse.Namespace) -> int:
    uid = services.strategies.resolve(args.id)
    detail = services.strategies.detail(uid)
    if args.json:
        print_json(detail)
        return 0
    s = detail.strategy
    lines = [s.title, "=" * len(s.title)]
    if s.is_sample:
        lines.append(f"({SAMPLE_LABEL})")
    if s.confidential:
        lines.append("CONFIDENTIAL")
    lines += [
        f"ID: {s.uid}   version {s.version}",
        f"Partnership type: {label(s.partnership_type)}   Status: {label(s.status)}",
        f"Focus: {', '.join(s.focus)}   Sectors: {', '.join(s.sectors) or '-'}",
        f"Geography: {', '.join(geography.name_of(c) for c in s.geography) or '-'}",
        f"Period: {s.period_start or '?'} to {s.period_end or '?'}"
        + (f"   Cost: {s.cost_amount} {s.cost_currency}" if s.cost_amount is not None else ""),
        f"Rating: {label(s.headline_level)}"
        + (f" ({label(s.headline_certainty)} certainty)" if s.headline_certainty else "")
        + ("   HARM FLAGGED" if s.harm_flag else ""),
        "",
        s.summary,
        "",
        "Partners:",
    ]
    lines += [
        f"  - {p.organisation_name} ({label(p.organisation_type)}): {label(p.role)}"
        for p in detail.partners
    ] or ["  none recorded"]
    lines.append("Outcomes:")
    for od in detail.outcomes:
        o = od.outcome
        rating = od.rating.effective_level.label if od.rating else "Not rated"
        lines.append(
            f"  - {o.title} [{label(o.level)}, {label(o.focus)}"
            f"{', primary' if o.primary else ''}] rating: {rating}"
        )
        for ind in od.indicators:
            i = ind.indicator
            series = ", ".join(f"{m.period}: {m.value:g}" for m in ind.measurements)
            lines.append(
                f"      indicator {i.name} ({i.unit or 'no unit'}): baseline "
                f"{i.baseline_value}, target {i.target_value}; {series or 'no values'}"
            )
        for f in od.findings:
            lines.append(
                f"      finding: {label(f.direction)}"
                f"{' (significant)' if f.significant else ''}"
                + (
                    f", effect {f.effect_size:g} {label(f.effect_size_type)}"
                    if f.effect_size is not None
                    else ""
                )
            )
    if not detail.outcomes:
        lines.append("  none recorded")
    lines.append("Evidence sources:")
    lines += [
        f"  - {e.authors or 'Anonymous'} ({e.year or 'n.d.'}). {e.title}. "
        f"{label(e.source_type)}; design: {label(e.design)}"
        for e in detail.sources
    ] or ["  none recorded"]
    print("\n".join(lines))
    return 0
