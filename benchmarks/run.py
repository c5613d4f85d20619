"""Measure EvidenceTracker on a large synthetic database and write docs/performance.md.

    make bench                                   # the whole suite on the large database
    python benchmarks/run.py --size small --reps 1 --no-doc    # a quick look

Every figure is the median of several runs (or p50/p95 over many queries) beside a floor
measured in the same run, so that a busy machine shows up in both and the ratio stays honest.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
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


STEPS: dict[str, Callable[[figures.Bench], list[Row]]] = {
    "filters": figures.browser_filters,
    "search": figures.search,
    "editor": figures.editor,
    "ratings": figures.recompute,
    "briefs": figures.briefs,
    "import": figures_io.import_findings,
    "bundle": figures_io.bundle,
}


def run(
    size: str | Any,
    seed: int = 1,
    *,
    reps: int = 3,
    queries: int = 100,
    cold_runs: int = 5,
    only: set[str] | None = None,
    out_dir: Path = OUT_DIR,
    log: Callable[[str], None] = print,
    isolate: bool = False,
    **bench: Any,
) -> tuple[list[Row], dict[str, str], Generated, float]:
    """Measure every figure (or those in ``only``); returns rows, machine, database, seconds.

    ``bench`` overrides the other knobs of ``figures.Bench`` (batch, import_rows, bundle_size).
    ``isolate``: each figure runs in a fresh process of its own (``--figure``), so that no
    figure pays for, or is disturbed by, what the ones before it left in memory (a full run in
    one process crashed once in the brief batch after the editor had loaded Qt; see
    docs/performance.md). Needs ``size`` as a name and no ``bench`` overrides.
    """
    started = time.perf_counter()
    info = machine()
    log(f"database: {getattr(size, 'name', size)} (seed {seed})")
    db = generate(size, seed, out_dir, log=log)
    if db.seconds:
        log(f"  generated in {db.seconds:.0f} s")
    rows: list[Row] = []
    wanted = lambda name: only is None or name in only  # noqa: E731
    if wanted("cold"):
        log("cold start and peak memory (fresh processes)")
        rows += cold_start(db, cold_runs, log)
    names = [name for name in STEPS if wanted(name)]
    if isolate:
        for name in names:
            log(f"{name} ... (own process)")
            t0 = time.perf_counter()
            rows += _in_own_process(name, size, seed, reps, queries, out_dir)
            log(f"  {time.perf_counter() - t0:.1f} s")
        return rows, info, db, time.perf_counter() - started
    from evidencetracker.services.container import Services

    services = Services.open(db.path, author="benchmark")
    knobs = figures.Bench(services, db, reps=reps, queries=queries, log=log, **bench)
    try:
        for name in names:
            log(f"{name} ...")
            t0 = time.perf_counter()
            try:
                new = STEPS[name](knobs)
            except Exception as exc:  # a feature mid-rewrite must not stop the other figures
                new = [Row(f"{name}", "s", note=f"not measured: failed with {exc!r}"[:300])]
            rows += new
            log(f"  {time.perf_counter() - t0:.1f} s")
    finally:
        services.close()
    return rows, info, db, time.perf_counter() - started


def _in_own_process(
    name: str, size: str, seed: int, reps: int, queries: int, out_dir: Path
) -> list[Row]:
    """Run one figure with ``--figure`` in a fresh interpreter and read back its rows."""
    with tempfile.TemporaryDirectory(prefix="et-bench-figure-") as scratch:
        result = Path(scratch) / "rows.json"
        args = [
            sys.executable, str(Path(__file__).resolve()), "--figure", name, "--size", size,
            "--seed", str(seed), "--reps", str(reps), "--queries", str(queries),
            "--out-dir", str(out_dir), "--rows-out", str(result),
        ]  # fmt: skip
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode != 0 or not result.exists():
            why = (proc.stderr or "").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            return [Row(name, "s", note=f"not measured: its process failed ({why[0][:200]})")]
        return [_row_from(d) for d in json.loads(result.read_text(encoding="utf-8"))]


def _row_from(data: dict[str, Any]) -> Row:
    target = data.pop("target")
    return Row(**data, target=Target(**target) if target else None)


def _one_figure(args: argparse.Namespace) -> int:
    """``--figure NAME``: measure that figure alone in this process; rows to ``--rows-out``."""
    rows, _, _, _ = run(
        args.size,
        args.seed,
        reps=args.reps,
        queries=args.queries,
        only={args.figure},
        out_dir=args.out_dir,
        log=lambda text: print(text, file=sys.stderr),
    )
    args.rows_out.write_text(json.dumps([asdict(r) for r in rows]), encoding="utf-8")
    return 0


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
    parser.add_argument(
        "--in-process", action="store_true", help="run every figure in this one process"
    )
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="the database cache")
    parser.add_argument("--figure", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--rows-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.figure:
        return _one_figure(args)
    rows, info, db, seconds = run(
        args.size,
        args.seed,
        reps=args.reps,
        queries=args.queries,
        cold_runs=args.cold_runs,
        only=set(args.only) if args.only else None,
        out_dir=args.out_dir,
        isolate=not args.in_process,
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
