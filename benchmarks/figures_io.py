"""The data-moving figures: importing 100,000 findings from CSV, and the JSON bundle round trip.

Both write, so they work on fresh databases in the run's scratch folder, never on the cached
benchmark database.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import sqlite3
from pathlib import Path

from benchmarks.figures import IMPORT, Bench, feature
from benchmarks.generate import generate
from benchmarks.measure import Row, median, not_measured, repeat, timed
from evidencetracker.db.migrate import open_database

FINDINGS = 100_000
PILOT = 1_000
IMPORT_BUDGET = 60.0  # seconds the import figure may spend importing
WWC_COLUMNS = [
    "f_findingid", "s_studyid", "s_interventionid", "s_intervention_name", "s_citation",
    "s_publication", "s_publication_date", "s_study_page_url", "s_study_design",
    "s_study_rating", "f_outcome_domain", "f_outcome_measure", "f_effect_size_wwc",
    "f_p_value_wwc", "f_is_stat_sig", "f_ss", "f_period", "topic",
]  # fmt: skip
DOMAINS = ["Victim identification", "Prosecutions", "Referrals", "Re-trafficking", "Earnings"]


def write_wwc_csv(path: Path, findings: int, seed: int = 3) -> Path:
    """A What Works Clearinghouse findings file: ~50 findings per intervention, 5 per study."""
    rng = random.Random(seed)
    interventions = max(1, findings // 50)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(WWC_COLUMNS)
        for n in range(findings):
            study = n // 5
            intervention = study % interventions
            year = 1995 + study % 30
            effect = round(rng.uniform(-0.3, 0.8), 2)
            writer.writerow(
                [
                    100000 + n,
                    20000 + study,
                    500 + intervention,
                    f"Intervention {intervention}: referral partnership",
                    f"Author, A., & Writer, B. ({year}). Study {study} of a partnership. "
                    "Journal of Evaluation.",
                    "Journal of Evaluation",
                    str(year),
                    f"https://example.org/study/{study}",
                    rng.choice(["RCT", "QED", "RDD"]),
                    rng.choice(
                        [
                            "Meets WWC standards without reservations",
                            "Meets WWC standards with reservations",
                        ]
                    ),
                    DOMAINS[n % 5],
                    f"Measure {n % 7}",
                    effect,
                    round(rng.uniform(0.001, 0.5), 3),
                    "True" if abs(effect) > 0.25 else "False",
                    rng.choice([60, 120, 400, 1500]),
                    "Post-test",
                    "Trafficking",
                ]
            )
    return path


def _empty_db(b: Bench, name: str) -> Path:
    """A fresh copy of an empty, migrated database (migrating once per run)."""
    template = b.work / "empty.sqlite"
    if not template.exists():
        open_database(template).dispose()
    target = b.work / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


def _floor_import(b: Bench, csv_path: Path) -> float:
    """Python's sqlite3 executemany of the same rows, on the app's durability settings."""
    target = b.work / "floor-import.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    cols = ", ".join(f'"{c}" TEXT' for c in WWC_COLUMNS)
    con.execute(f"CREATE TABLE findings_floor ({cols})")
    marks = ", ".join("?" for _ in WWC_COLUMNS)

    def run() -> None:
        with open(csv_path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            with con:
                con.execute("DELETE FROM findings_floor")
                con.executemany(f"INSERT INTO findings_floor VALUES ({marks})", reader)

    try:
        return median(repeat(run, b.reps, 30))
    finally:
        con.close()


def _import_once(b: Bench, service: type, csv_path: Path) -> float:
    from evidencetracker.services.container import Services

    services = Services.open(_empty_db(b, "import.sqlite"), author="benchmark")
    try:
        seconds, report = timed(lambda: service(services.ctx).import_file(csv_path, preset="wwc"))
    finally:
        services.close()
    if report.rejected:
        raise RuntimeError(f"{len(report.rejected)} rows rejected: {report.rejected[0]}")
    return seconds


def import_findings(b: Bench) -> list[Row]:
    """ImportService importing a WWC findings CSV into an empty database.

    A pilot of ``PILOT`` rows runs first; the full 100,000 rows run only when the pilot says they
    fit in ``IMPORT_BUDGET`` seconds, else the largest size that fits is measured and the row
    says what 100,000 would take at the pilot's rate (a lower bound if the importer slows down
    as it goes).
    """
    service = feature("evidencetracker.services.importing", "ImportService")
    if service is None:
        return [
            not_measured(f"Import {FINDINGS:,} findings from CSV", "s", "ImportService", IMPORT)
        ]
    pilot = min(PILOT, b.import_rows or PILOT)
    pilot_csv = write_wwc_csv(b.work / "pilot.csv", pilot)
    per_row = _import_once(b, service, pilot_csv) / pilot
    sizes = (b.import_rows,) if b.import_rows else (FINDINGS, 20_000, 10_000, 5_000)
    size = next((n for n in sizes if n * per_row <= IMPORT_BUDGET), pilot)
    csv_path = pilot_csv if size == pilot else write_wwc_csv(b.work / "findings.csv", size)
    times = repeat(lambda: _import_once(b, service, csv_path), b.reps, IMPORT_BUDGET)
    floor = _floor_import(b, csv_path)
    note = ""
    if size < FINDINGS and not b.import_rows:
        projected = median(times) / size * FINDINGS
        note = (
            f"{FINDINGS:,} rows not run: at this rate they would take ≥ {projected:.0f} s "
            f"(≥ {projected / (floor / size * FINDINGS):.0f}x the floor)"
        )
    label = f"Import {size:,} findings from CSV"
    cpu = median(times.cpu)
    return [Row(label, "s", median(times), floor, IMPORT, len(times), note, cpu).finish()]


def _floor_bundle(db: Path, out: Path) -> tuple[float, float]:
    """Raw sqlite3 rows to JSON and back into one table: (export s, import s)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    tables = [
        "organisations", "tags", "strategies", "partners", "outcomes", "indicators",
        "measurements", "evidence_sources", "strategy_sources", "findings", "external_ratings",
        "notes", "rating_overrides",
    ]  # fmt: skip

    def export() -> None:
        data = {t: [dict(r) for r in con.execute(f'SELECT * FROM "{t}"')] for t in tables}
        out.write_text(json.dumps(data, default=str), encoding="utf-8")

    seconds_out, _ = timed(export)
    con.close()
    target = out.with_suffix(".sqlite")
    target.unlink(missing_ok=True)
    back = sqlite3.connect(target)
    back.execute("CREATE TABLE rows (tbl TEXT, uid TEXT, record TEXT)")

    def load() -> None:
        data = json.loads(out.read_text(encoding="utf-8"))
        with back:
            for t, rows in data.items():
                back.executemany(
                    "INSERT INTO rows VALUES (?, ?, ?)",
                    ((t, r.get("uid"), json.dumps(r)) for r in rows),
                )

    seconds_in, _ = timed(load)
    back.close()
    return seconds_out, seconds_in


def bundle(b: Bench) -> list[Row]:
    """Exporting a whole database as a JSON bundle, and importing it into an empty one."""
    write = feature("evidencetracker.services.exporting.bundle", "write_bundle")
    read = feature("evidencetracker.services.exporting.bundle", "import_bundle")
    if write is None or read is None:
        return [
            not_measured("Export the JSON bundle", "s", "the JSON bundle"),
            not_measured("Re-import the JSON bundle", "s", "the JSON bundle"),
        ]
    from evidencetracker.services.container import Services

    source = generate(b.bundle_size, b.db.seed, b.db.path.parent, log=b.log)
    path = b.work / "bundle.json"
    services = Services.open(source.path, author="benchmark")
    try:
        export_s, _ = timed(lambda: write(services.ctx, path, include_confidential=True))
    finally:
        services.close()
    megabytes = path.stat().st_size / 1e6
    target = Services.open(_empty_db(b, "bundle.sqlite"), author="benchmark")
    try:
        import_s, _ = timed(lambda: read(target.ctx, path))
    finally:
        target.close()
    floor_out, floor_in = _floor_bundle(source.path, b.work / "floor-bundle.json")
    strategies = source.counts["strategies"]
    name = getattr(b.bundle_size, "name", b.bundle_size)
    what = f"{name} database, {strategies:,} strategies, {megabytes:.0f} MB"
    return [
        Row(f"Export the JSON bundle ({what})", "s", export_s, floor_out, None, 1),
        Row(f"Re-import the JSON bundle ({what})", "s", import_s, floor_in, None, 1),
    ]
