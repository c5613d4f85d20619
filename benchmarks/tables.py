"""The rows of a synthetic database, table by table, inserted in large Core batches.

Everything is drawn from one seeded ``random.Random`` in a fixed order, so a seed always gives
the same rows. Ids are assigned here (1, 2, ...) so children can point at parents without
reading anything back.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from benchmarks.corpus import COUNTRIES, PUBLISHERS, REGIONS, TextMaker
from evidencetracker.db import models as M
from evidencetracker.domain import enums as E

if TYPE_CHECKING:
    from benchmarks.generate import Spec

BATCH = 20_000
MEASURED = ["victims identified", "cases", "referrals", "inspections", "convictions"]


def fill_tables(conn, spec: Spec, seed: int, log) -> str:  # noqa: ANN001
    """Insert every row of a database of ``spec``; returns the editor strategy's uid."""
    rng = random.Random(seed)
    words = TextMaker(random.Random(seed + 1))
    load = _Loader(conn, rng)
    editor_uid = _strategies(load, spec, words, log)
    links = _sources(load, spec, words, log)
    _findings(load, spec, links, log)
    _indicators(load, spec, log)
    load.flush()
    return editor_uid


class _Loader:
    """Collects rows per table and inserts them in large Core batches."""

    def __init__(self, conn, rng: random.Random):  # noqa: ANN001
        self.conn = conn
        self.rng = rng
        self.rows: dict[str, list[dict]] = {}
        self.counts: dict[str, int] = {}
        self.clock = datetime(2022, 1, 1, tzinfo=UTC)
        self.outcomes_of: dict[int, list[int]] = {}  # strategy id -> its outcome ids

    def uid(self) -> uuid.UUID:
        return uuid.UUID(bytes=self.rng.randbytes(16), version=4)

    def stamp(self) -> dict:
        created = self.clock + timedelta(seconds=self.rng.randrange(3 * 365 * 86400))
        return {"uid": self.uid(), "created_at": created, "updated_at": created, "version": 1}

    def add(self, table: str, row: dict) -> int:
        rows = self.rows.setdefault(table, [])
        self.counts[table] = self.counts.get(table, 0) + 1
        row.setdefault("id", self.counts[table])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush(table)
        return row["id"]

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.rows):
            rows = self.rows.get(name)
            if rows:
                self.conn.execute(M.Base.metadata.tables[name].insert(), rows)
                rows.clear()


def _source_counts(spec: Spec, rng: random.Random) -> list[int]:
    """Sources per strategy: one with exactly ``editor_sources``, a few hubs, most a handful."""
    counts = [spec.editor_sources]
    counts += [rng.randint(*spec.hub_range) for _ in range(spec.hubs)]
    rest = spec.strategies - len(counts)
    # About 15% of studies inform two strategies, so links exceed sources.
    budget = int(spec.sources * 1.15) - sum(counts)
    mean = max(1.0, budget / rest)
    for _ in range(rest):
        # Heavy-tailed: most strategies have 1-8, some a few dozen.
        counts.append(max(1, min(120, int(rng.paretovariate(1.6) * mean * 0.4))))
    scale = budget / sum(counts[1 + spec.hubs :])
    counts[1 + spec.hubs :] = [max(1, round(c * scale)) for c in counts[1 + spec.hubs :]]
    order = counts[1:]
    rng.shuffle(order)  # hubs anywhere in the id range; the editor strategy stays id 1
    return [counts[0], *order]


def _strategies(load: _Loader, spec: Spec, words: TextMaker, log) -> str:  # noqa: ANN001
    rng = load.rng
    log(f"  strategies, partners, outcomes: {spec.strategies:,}")
    orgs = max(20, spec.strategies // 5)
    for n in range(orgs):
        load.add(
            "organisations",
            {
                **load.stamp(),
                "name": f"{rng.choice(PUBLISHERS).split()[0]} {words.text(10, 40)[:-1]} #{n}",
                "org_type": rng.choice(list(E.OrganisationType)),
                "country": rng.choice(COUNTRIES),
                "notes": "",
            },
        )
    tags = [load.add("tags", {**load.stamp(), "name": f"theme-{n}"}) for n in range(60)]
    focus_all = [f.value for f in E.Focus]
    sector_all = [s.value for s in E.Sector]
    editor_uid = ""
    for n in range(spec.strategies):
        stamp = load.stamp()
        start = date(2005, 1, 1) + timedelta(days=rng.randrange(6000))
        sid = load.add(
            "strategies",
            {
                **stamp,
                "title": words.strategy_title(n),
                "summary": words.text(200, 700),
                "description": words.text(600, 3000),
                "partnership_type": rng.choice(list(E.PartnershipType)),
                "focus": tuple(rng.sample(focus_all, rng.randint(1, 3))),
                "sectors": tuple(rng.sample(sector_all, rng.randint(1, 3))),
                "geography": tuple(
                    rng.sample(COUNTRIES, rng.randint(1, 4))
                    + ([rng.choice(REGIONS)] if rng.random() < 0.2 else [])
                ),
                "period_start": start,
                "period_end": start + timedelta(days=rng.randrange(200, 2500))
                if rng.random() < 0.7
                else None,
                "status": rng.choice(list(E.StrategyStatus)),
                "cost_amount": rng.randrange(10_000, 5_000_000) if rng.random() < 0.5 else None,
                "cost_currency": "USD",
                "confidential": rng.random() < 0.05,
                "is_sample": False,
                # A few strategies are in the Trash; never the editor's.
                "deleted_at": stamp["updated_at"] if n and rng.random() < 0.01 else None,
            },
        )
        if n == 0:
            editor_uid = str(stamp["uid"])
        for i, org in enumerate(rng.sample(range(1, orgs + 1), rng.randint(2, 6))):
            role = E.PartnerRole.LEAD if i == 0 else rng.choice(list(E.PartnerRole)[1:])
            load.add(
                "partners",
                {**load.stamp(), "strategy_id": sid, "organisation_id": org, "role": role},
            )
        for i in range(rng.randint(1, 5)):
            oid = load.add(
                "outcomes",
                {
                    **load.stamp(),
                    "strategy_id": sid,
                    "title": words.text(30, 120),
                    "description": words.text(0, 400),
                    "level": rng.choice(list(E.OutcomeLevel)),
                    "focus": rng.choice(focus_all),
                    "primary": i == 0 and rng.random() < 0.7,
                },
            )
            load.outcomes_of.setdefault(sid, []).append(oid)
        for tag in rng.sample(tags, rng.randint(0, 3)):
            load.rows.setdefault("strategy_tags", []).append({"strategy_id": sid, "tag_id": tag})
        if rng.random() < 0.3:
            load.add("notes", {**load.stamp(), "strategy_id": sid, "body": words.text(50, 600)})
        if rng.random() < 0.05:
            load.add(
                "external_ratings",
                {
                    **load.stamp(),
                    "strategy_id": sid,
                    "source": rng.choice(list(E.ExternalRatingSource)),
                    "rating": rng.choice(["Effective", "Promising", "Tier 2", "No effects"]),
                },
            )
        load.rows.setdefault("audit_entries", []).append(
            {
                "at": stamp["created_at"],
                "author": "benchmark generator",
                "action": "create",
                "entity_type": "strategy",
                "entity_uid": stamp["uid"],
                "strategy_uid": stamp["uid"],
                "summary": "Created strategy",
                "changes": {},
            }
        )
    return editor_uid


def _sources(load: _Loader, spec: Spec, words: TextMaker, log) -> list[tuple[int, int]]:  # noqa: ANN001
    """Evidence sources and their links to strategies; returns the (strategy, source) links."""
    rng = load.rng
    log(f"  evidence sources: {spec.sources:,}")
    designs = list(E.StudyDesign)
    weights = [
        3 if d.value in ("rct", "difference_in_differences", "matching") else 2 for d in designs
    ]
    for n in range(spec.sources):
        year = rng.randint(1995, 2024)
        load.add(
            "evidence_sources",
            {
                **load.stamp(),
                "source_type": rng.choice(list(E.SourceType)),
                "title": words.source_title(),
                "authors": words.authors(),
                "year": year,
                "publisher": rng.choice(PUBLISHERS),
                "doi": f"10.{5000 + n % 400}/bench.{n}" if rng.random() < 0.6 else None,
                "abstract": words.text(400, 1800),
                "design": rng.choices(designs, weights)[0],
                "evaluator_independent": rng.random() < 0.6,
                "sample_size": rng.choice([None, 40, 120, 300, 1200, 5000]),
                "sample_group": f"sample-{n // 3}" if rng.random() < 0.2 else None,
                "setting": words.text(20, 120),
                "follow_up_months": rng.choice([None, 3, 6, 12, 24]),
                "concern_attrition": rng.random() < 0.15,
                "concern_baseline": rng.random() < 0.15,
                "concern_measure": rng.random() < 0.1,
                "indirect": rng.random() < 0.1,
                "reviewer": rng.choice(["", "A. Reviewer", "B. Reviewer"]),
                "notes": "",
                "confidential": rng.random() < 0.03,
                "deleted_at": None,
            },
        )
    counts = _source_counts(spec, rng)
    # Each source is linked once first (shuffled), then the extra slots reuse random sources.
    order = list(range(1, spec.sources + 1))
    rng.shuffle(order)
    links: list[tuple[int, int]] = []
    cursor = 0
    for sid, wanted in enumerate(counts, start=1):
        chosen: set[int] = set()
        while len(chosen) < wanted:
            if cursor < len(order):
                chosen.add(order[cursor])
                cursor += 1
            else:
                chosen.add(rng.randint(1, spec.sources))
        for src in sorted(chosen):
            links.append((sid, src))
            load.add("strategy_sources", {**load.stamp(), "strategy_id": sid, "source_id": src})
    return links


def _findings(load: _Loader, spec: Spec, links: list[tuple[int, int]], log) -> None:  # noqa: ANN001
    rng = load.rng
    log(f"  findings: {spec.findings:,} over {len(links):,} strategy-source links")
    outcomes_of = load.outcomes_of
    per_link = [1] * len(links)
    for _ in range(spec.findings - len(links)):
        per_link[rng.randrange(len(links))] += 1
    directions = [
        E.FindingDirection.FAVOURABLE,
        E.FindingDirection.NULL,
        E.FindingDirection.ADVERSE,
    ]
    for (sid, src), k in zip(links, per_link, strict=True):
        for _ in range(k):
            has_effect = rng.random() < 0.6
            load.add(
                "findings",
                {
                    **load.stamp(),
                    "source_id": src,
                    "outcome_id": rng.choice(outcomes_of[sid]),
                    "direction": rng.choices(directions, (55, 35, 10))[0],
                    "significant": rng.random() < 0.5,
                    "effect_size": round(rng.uniform(-0.5, 1.2), 3) if has_effect else None,
                    "effect_size_type": rng.choice(list(E.EffectSizeType)) if has_effect else None,
                    "follow_up_months": rng.choice([None, 6, 12, 18]),
                    "notes": "",
                },
            )


def _indicators(load: _Loader, spec: Spec, log) -> None:  # noqa: ANN001
    rng = load.rng
    log(f"  indicators and measurements: {spec.measurements:,}")
    outcomes = load.counts["outcomes"]
    indicator_ids = []
    for oid in range(1, outcomes + 1):
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            direction = rng.choice(list(E.DesiredDirection))
            indicator_ids.append(
                load.add(
                    "indicators",
                    {
                        **load.stamp(),
                        "outcome_id": oid,
                        "name": f"Number of {rng.choice(MEASURED)}",
                        "unit": "persons",
                        "direction": direction,
                        "baseline_value": float(rng.randrange(10, 500)),
                        "target_value": float(rng.randrange(10, 800)),
                        "person_count": rng.random() < 0.4,
                        "notes": "",
                    },
                )
            )
    per = [1] * len(indicator_ids)
    weights = [rng.paretovariate(1.5) for _ in indicator_ids]
    for i in rng.choices(range(len(indicator_ids)), weights, k=spec.measurements - len(per)):
        per[i] += 1
    for ind, k in zip(indicator_ids, per, strict=True):
        value = float(rng.randrange(10, 500))
        for q in range(k):
            year, quarter = 2000 + q // 4, q % 4 + 1
            value = max(0.0, value + rng.uniform(-20, 25))
            load.add(
                "measurements",
                {
                    **load.stamp(),
                    "indicator_id": ind,
                    "period": f"{year}-Q{quarter}",
                    "period_start": date(year, 3 * quarter - 2, 1),
                    "period_end": None,
                    "value": round(value, 1),
                    "disaggregation": {"women": 0.5} if rng.random() < 0.1 else None,
                    "notes": "",
                },
            )
