"""A tiny run of the benchmark code, so that it cannot rot. No timing is asserted here."""

from __future__ import annotations

import sqlite3

import pytest

from benchmarks.generate import SIZES, Spec, generate
from benchmarks.measure import Row
from benchmarks.report import BEGIN, END, write_doc
from benchmarks.run import run

SMOKE = Spec("smoke", 12, 60, 150, 80, 15, 1, (8, 12))

# Every figure of the issue, by the start of its label, with the unit it is reported in.
EXPECTED = {
    "Cold start to first painted main window": "s",
    "Cold start to first rows shown in the browser": "s",
    "Peak memory (RSS), main window on the database": "MB",
    "Browser filter: text p50": "ms",
    "Browser filter: text p95": "ms",
    "Browser filter: facets p50": "ms",
    "Browser filter: facets p95": "ms",
    "Search (SearchService) p50": "ms",
    "Search (SearchService) p95": "ms",
    "Open strategy (15 sources): StrategyService.detail": "ms",
    "Open strategy (15 sources) in the editor": "ms",
    "Recompute every rating": "s",
    "One strategy brief PDF": "s",
    "Batch of 3 strategy briefs": "s",
    "Import 40 findings from CSV": "s",
    "Export the JSON bundle": "s",
    "Re-import the JSON bundle": "s",
}


def test_generated_database_has_the_shape_asked_for(tmp_path):
    db = generate(SMOKE, seed=5, out_dir=tmp_path, log=lambda _: None)
    con = sqlite3.connect(db.path)
    try:
        count = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT count(*) FROM strategies") == 12
        assert count("SELECT count(*) FROM evidence_sources") == 60
        assert count("SELECT count(*) FROM findings") == 150
        assert count("SELECT count(*) FROM measurements") == 80
        most = con.execute(
            "SELECT strategy_id, count(*) FROM strategy_sources GROUP BY 1 ORDER BY 2 DESC"
        ).fetchone()
        assert most == (1, 15)  # the editor's strategy, with exactly editor_sources
        partners = "SELECT min(n) FROM (SELECT count(*) n FROM partners GROUP BY strategy_id)"
        assert count(partners) >= 2
        # Ratings were computed by the app: every outcome has one.
        outcomes = count("SELECT count(*) FROM outcomes")
        assert outcomes > 0 and count("SELECT count(*) FROM outcome_ratings") == outcomes
    finally:
        con.close()
    # Deterministic from the seed, and served from the cache the second time.
    again = generate(SMOKE, seed=5, out_dir=tmp_path, log=lambda _: None)
    assert again.path == db.path and again.editor_strategy_uid == db.editor_strategy_uid
    assert again.seconds == 0.0


def test_sizes_of_the_issue():
    large = SIZES["large"]
    assert (large.strategies, large.sources, large.findings, large.measurements) == (
        10_000,
        100_000,
        300_000,
        200_000,
    )
    assert large.editor_sources == 500


@pytest.mark.slow
def test_tiny_run_fills_every_row_and_writes_the_doc(tmp_path, qapp):
    rows, info, db, seconds = run(
        SMOKE,
        seed=5,
        reps=1,
        queries=5,
        cold_runs=1,
        out_dir=tmp_path / "out",
        log=lambda _: None,
        batch=3,
        import_rows=40,
        bundle_size=SMOKE,
    )
    by_label = {r.figure: r for r in rows}
    for label, unit in EXPECTED.items():
        matches = [r for name, r in by_label.items() if name.startswith(label)]
        assert matches, f"no row for {label!r}; rows: {sorted(by_label)}"
        row: Row = matches[0]
        assert row.unit == unit
        assert row.value is not None and row.value > 0, f"{label}: {row.note}"
        assert row.floor is not None and row.floor > 0, label
        assert row.runs >= 1
    assert {"CPU", "Cores", "RAM", "Python", "SQLite", "Qt", "Date"} <= set(info)
    assert seconds > 0

    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nHand-written text stays.\n", encoding="utf-8")
    write_doc(rows, info, db, seconds, doc)
    write_doc(rows, info, db, seconds, doc)  # replaces its block, never appends twice
    text = doc.read_text(encoding="utf-8")
    assert "Hand-written text stays." in text
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert "| Recompute every rating" in text and info["CPU"] in text


@pytest.mark.slow
def test_a_figure_run_in_its_own_process_comes_back_as_rows(tmp_path):
    # make bench runs each figure in a fresh process (run.py --figure); its rows must survive
    # the trip, target and all.
    rows, _, _, _ = run(
        "tiny",
        seed=5,
        reps=1,
        queries=3,
        only={"search", "ratings"},
        out_dir=tmp_path / "out",
        log=lambda _: None,
        isolate=True,
    )
    by_label = {r.figure: r for r in rows}
    search = by_label["Search (SearchService) p95"]
    assert search.value is not None and search.value > 0 and search.floor > 0
    assert search.target is not None and search.target.limit == 50
    ratings = next(r for name, r in by_label.items() if name.startswith("Recompute every rating"))
    assert ratings.value is not None and ratings.value > 0 and ratings.status in {"met", "MISSED"}
