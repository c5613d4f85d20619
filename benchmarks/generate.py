"""Build synthetic EvidenceTracker databases of a given size, deterministically from a seed.

The database is created and migrated by the app (``open_database``), filled through SQLAlchemy
Core bulk inserts into the app's own tables (the services would take hours at this size), and
then rated by the app's own ``RatingService.recompute_all``, so headline ratings are real.
Databases are cached under ``benchmarks/out/`` keyed by size, seed, schema revision and the
generator version; after a new migration the cached database of the previous revision is
upgraded (a copy, by the app's own ``open_database``) instead of being generated again.

    python benchmarks/generate.py large --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and the app importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, text

from benchmarks.tables import fill_tables
from evidencetracker.db.migrate import head_revision, known_revisions, open_database

GENERATOR_VERSION = 1
OUT_DIR = Path(__file__).resolve().parent / "out"


@dataclass(frozen=True)
class Spec:
    """How many of each record a database holds."""

    name: str
    strategies: int
    sources: int
    findings: int
    measurements: int
    editor_sources: int  # exactly one strategy has this many evidence sources
    hubs: int  # strategies with hundreds of sources (besides the editor one)
    hub_range: tuple[int, int]


SIZES = {
    "tiny": Spec("tiny", 30, 300, 900, 600, 40, 1, (20, 40)),
    "small": Spec("small", 1_000, 10_000, 30_000, 20_000, 500, 3, (100, 300)),
    "large": Spec("large", 10_000, 100_000, 300_000, 200_000, 500, 20, (100, 400)),
}


@dataclass(frozen=True)
class Generated:
    """A generated database and what the benchmarks need to know about it."""

    path: Path
    spec: Spec
    seed: int
    editor_strategy_uid: str
    counts: dict[str, int]
    seconds: float


def cache_path(spec: Spec, seed: int, out_dir: Path = OUT_DIR) -> Path:
    return out_dir / f"{spec.name}-seed{seed}-rev{head_revision()}-g{GENERATOR_VERSION}.sqlite"


def generate(
    size: str | Spec, seed: int = 1, out_dir: Path = OUT_DIR, *, force: bool = False, log=print
) -> Generated:
    """The database for ``size`` and ``seed``, from the cache or freshly built."""
    spec = SIZES[size] if isinstance(size, str) else size
    path = cache_path(spec, seed, out_dir)
    meta_path = path.with_suffix(".json")
    if not force and not (path.exists() and meta_path.exists()):
        _upgrade_cached(spec, seed, out_dir, path, log)
    if path.exists() and meta_path.exists() and not force:
        meta = json.loads(meta_path.read_text())
        return Generated(path, spec, seed, meta["editor_strategy_uid"], meta["counts"], 0.0)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    open_database(tmp).dispose()  # create and migrate with the app's own code
    editor_uid = _fill(tmp, spec, seed, log)
    log(f"  rating every strategy with RatingService.recompute_all ({spec.strategies:,})")
    _rate(tmp)
    counts = _finish(tmp)
    seconds = time.perf_counter() - started
    os.replace(tmp, path)
    meta = {"spec": asdict(spec), "seed": seed, "editor_strategy_uid": editor_uid}
    meta_path.write_text(json.dumps({**meta, "counts": counts, "seconds": seconds}, indent=1))
    log(f"  generated {path.name} in {seconds:.0f} s: {counts}")
    return Generated(path, spec, seed, editor_uid, counts, seconds)


def _upgrade_cached(spec: Spec, seed: int, out_dir: Path, path: Path, log) -> bool:  # noqa: ANN001
    """Make ``path`` from the cached database of an older schema revision, if there is one.

    The newest older copy is copied with SQLite's backup API and upgraded by the app's own
    ``open_database`` (as a user's file would be), then analysed like a fresh one. This takes
    seconds where generating takes minutes; the data is the same, since the generator's
    version is part of the name.
    """
    revisions = known_revisions()
    older = []
    for candidate in out_dir.glob(f"{spec.name}-seed{seed}-rev*-g{GENERATOR_VERSION}.sqlite"):
        revision = candidate.stem.split("-rev")[-1].split("-g")[0]
        meta = candidate.with_suffix(".json")
        if candidate != path and meta.exists() and revision in revisions:
            older.append((revisions.index(revision), candidate))
    if not older:
        return False
    source = max(older)[1]
    log(f"  upgrading a copy of {source.name} to revision {head_revision()}")
    started = time.perf_counter()
    tmp = path.with_name(path.name + ".tmp")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(tmp)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    with tempfile.TemporaryDirectory(prefix="et-bench-upgrade-") as backups:
        open_database(tmp, backup_dir=Path(backups)).dispose()
    counts = _finish(tmp)
    os.replace(tmp, path)
    meta = json.loads(source.with_suffix(".json").read_text())
    meta.update(counts=counts, upgraded_from=source.name)
    meta["upgrade_seconds"] = time.perf_counter() - started
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1))
    log(f"  upgraded in {meta['upgrade_seconds']:.0f} s")
    return True


def _bulk_engine(path: Path):
    """An engine for loading: no fsync and no FK checks (rows are inserted parents first)."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # noqa: ANN001 - SQLAlchemy event signature
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        dbapi_connection.execute("PRAGMA synchronous=OFF")
        dbapi_connection.execute("PRAGMA cache_size=-200000")

    return engine


def _fill(path: Path, spec: Spec, seed: int, log) -> str:  # noqa: ANN001
    engine = _bulk_engine(path)
    try:
        with engine.begin() as conn:
            return fill_tables(conn, spec, seed, log)
    finally:
        engine.dispose()


def _rate(path: Path) -> None:
    """Rate every strategy in a fresh process, as the app would on a database it opens.

    A fresh process also sidesteps a crash seen here: SQLAlchemy 2.1.9's ORM loading, run in
    the process that had just done the bulk inserts, segfaulted in the garbage collector.
    """
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--rate", str(path)], check=True)


def rate_all(path: Path) -> int:
    from evidencetracker.services.container import Services

    services = Services.open(path, author="benchmark generator")
    try:
        return services.ratings.recompute_all()
    finally:
        services.close()


def _fts_tables(conn) -> list[tuple[str, str]]:  # noqa: ANN001
    return [
        (name, sql or "")
        for name, sql in conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type='table' AND sql LIKE '%fts5%'")
        )
    ]


def _finish(path: Path) -> dict[str, int]:
    """Populate full-text indexes the triggers did not fill, analyse, checkpoint; count rows."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            triggers = " ".join(
                sql or ""
                for (sql,) in conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE type='trigger'")
                )
            )
            for name, sql in _fts_tables(conn):
                external = "content=" in sql.replace(" ", "").lower()
                if external and name not in triggers:
                    conn.execute(text(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')'))
            conn.execute(text("ANALYZE"))
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            counts = {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in (
                    "strategies",
                    "partners",
                    "outcomes",
                    "evidence_sources",
                    "strategy_sources",
                    "findings",
                    "indicators",
                    "measurements",
                    "outcome_ratings",
                )
            }
    finally:
        engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", choices=sorted(SIZES), default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    parser.add_argument("--rate", metavar="DB", help="only rate every strategy of DB")
    args = parser.parse_args(argv)
    if args.rate:
        rate_all(Path(args.rate))
        return 0
    result = generate(args.size, args.seed, force=args.force)
    print(result.path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
