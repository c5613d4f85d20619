"""Measure EvidenceTracker on a large synthetic database and write docs/performance.md.

    make bench                                   # the whole suite on the large database
    python benchmarks/run.py --size small --reps 1 --no-doc    # a quick look

Every figure is the median of several runs (or p50/p95 over many queries) beside a floor
measured in the same run, so that a busy machine shows up in both and the ratio stays honest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` and the app importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks import figures, figures_io
from benchmarks.generate import OUT_DIR, SIZES, Generated, generate
from benchmarks.measure import Row, Target, machine, median, table
from benchmarks.report import write_doc

PROBE = Path(__file__).resolve().parent / "probe.py"
COLD = Target(1.5, 3, "< 1.5 s and ≤ 3x floor")
MEMORY = Target(400, None, "< 400 MB")


def _probe(args: list[str], env: dict[str, str], timeout: float = 120) -> dict[str, float]:
    """Start probe.py in a fresh process; seconds from start to each line, and the peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(PROBE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        key, _, value = line.strip().partition(" ")
        now = time.perf_counter() - started
        if key == "paint":
            seen["paint"] = now
        elif key == "rows":
            seen["rows"], seen["row_count"] = now, float(value)
        elif key == "rss":
            seen["rss_mb"] = int(value) / 1024
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    if "paint" not in seen:
        last = (err or "").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        raise RuntimeError(last[0][:200])
    return seen


def cold_start(db: Generated, runs: int, log: Callable[[str], None]) -> list[Row]:
    """Fresh processes: the app on the database, and a bare QMainWindow, interleaved."""
    home = Path(tempfile.mkdtemp(prefix="et-bench-home-"))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "EVIDENCETRACKER_DATA_DIR": str(home / "data"),
        "EVIDENCETRACKER_CONFIG_DIR": str(home / "config"),
    }
    app: list[dict[str, float]] = []
    bare: list[dict[str, float]] = []
    error = ""
    if runs > 1:
        _probe(["bare"], env)  # load the libraries into the page cache once
    for _ in range(runs):
        bare.append(_probe(["bare"], env))
        try:
            app.append(_probe(["app", str(db.path)], env))
        except RuntimeError as exc:
            error = str(exc)
            break
    floor_paint = median([b["paint"] for b in bare])
    floor_rss = median([b["rss_mb"] for b in bare])
    label = "Cold start to first painted main window"
    if not app:
        log(f"  the app did not start: {error}")
        note = f"not measured: the app did not start ({error})"
        return [
            Row(label, "s", floor=floor_paint, target=COLD, note=note),
            Row("Peak memory (RSS), main window on the database", "MB", target=MEMORY, note=note),
        ]
    with_rows = [a for a in app if "rows" in a]
    rows = [
        Row(label, "s", median([a["paint"] for a in app]), floor_paint, COLD, len(app)).finish(),
        Row(
            "Cold start to first rows shown in the browser",
            "s",
            median([a["rows"] for a in with_rows]) if with_rows else None,
            floor_paint,
            None,
            len(with_rows),
            "" if with_rows else "not measured: no rows appeared within the timeout",
        ),
        Row(
            "Peak memory (RSS), main window on the database",
            "MB",
            median([a["rss_mb"] for a in app]),
            floor_rss,
            MEMORY,
            len(app),
            "floor: bare QMainWindow process",
        ).finish(),
    ]
    return rows


def run(
    size: str,
    seed: int = 1,
    *,
    reps: int = 3,
    queries: int = 100,
    cold_runs: int = 5,
    only: set[str] | None = None,
    out_dir: Path = OUT_DIR,
    log: Callable[[str], None] = print,
    **bench: Any,
) -> tuple[list[Row], dict[str, str], Generated, float]:
    """Measure every figure (or those in ``only``); returns rows, machine, database, seconds.

    ``bench`` overrides the other knobs of ``figures.Bench`` (batch, import_rows, bundle_size).
    """
    started = time.perf_counter()
    info = machine()
    log(f"database: {size} (seed {seed})")
    db = generate(size, seed, out_dir, log=log)
    if db.seconds:
        log(f"  generated in {db.seconds:.0f} s")
    rows: list[Row] = []
    wanted = lambda name: only is None or name in only  # noqa: E731
    if wanted("cold"):
        log("cold start and peak memory (fresh processes)")
        rows += cold_start(db, cold_runs, log)
    from evidencetracker.services.container import Services

    services = Services.open(db.path, author="benchmark")
    knobs = figures.Bench(services, db, reps=reps, queries=queries, log=log, **bench)
    steps = [
        ("filters", figures.browser_filters),
        ("search", figures.search),
        ("editor", figures.editor),
        ("ratings", figures.recompute),
        ("briefs", figures.briefs),
        ("import", figures_io.import_findings),
        ("bundle", figures_io.bundle),
    ]
    try:
        for name, step in steps:
            if not wanted(name):
                continue
            log(f"{name} ...")
            t0 = time.perf_counter()
            try:
                new = step(knobs)
            except Exception as exc:  # a feature mid-rewrite must not stop the other figures
                new = [Row(f"{name}", "s", note=f"not measured: failed with {exc!r}"[:300])]
            rows += new
            log(f"  {time.perf_counter() - t0:.1f} s")
    finally:
        services.close()
    return rows, info, db, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--queries", type=int, default=60, help="queries per latency figure")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes per start")
    parser.add_argument("--only", nargs="*", help="cold filters search editor ratings briefs...")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    parser.add_argument("--doc", type=Path, default=None, help="write the table here instead")
    args = parser.parse_args(argv)
    rows, info, db, seconds = run(
        args.size,
        args.seed,
        reps=args.reps,
        queries=args.queries,
        cold_runs=args.cold_runs,
        only=set(args.only) if args.only else None,
    )
    text = table(rows)
    print()
    print(text)
    print(f"\nwhole run: {seconds:.0f} s on {db.path.name}")
    if not args.no_doc:
        path = write_doc(rows, info, db, seconds, args.doc)
        print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
