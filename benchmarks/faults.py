"""Fault injection for the reliability figures: kill -9, a full disk, damaged files.

Run ``python -m benchmarks.faults`` from the repository root: it prints faults tried and
survived by operation and writes the table into docs/reliability.md (``--no-write`` to only
print, ``--quick`` for fewer trials). The tests in tests/reliability call the same functions
with fewer trials.

"Survived" means: after the fault the database passes ``integrity_check`` and
``foreign_key_check`` and holds all or none of the interrupted operation's rows (for a full
disk: the operation failed with the disk-full message and nothing changed, or it succeeded
completely); for damaged files: the damage was detected, the file kept as ``*.damaged`` and
the newest verified backup restored, passing both checks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- faults:begin -->", "<!-- faults:end -->"
DISK_FULL_WORDS = "The disk is full"
STRATEGY = {
    "partnership_type": "ngo_coalition",
    "focus": ["prevention"],
    "status": "active",
    "summary": "fault-injection row",
}


@dataclass
class Tally:
    operation: str
    fault: str
    tried: int = 0
    survived: int = 0

    def add(self, ok: bool) -> None:
        self.tried += 1
        self.survived += bool(ok)


# -- the work done in child processes ----------------------------------------------------------
def bulk_import(services, rows: int, tag: str) -> None:  # noqa: ANN001 - Services
    """An import of ``rows`` strategies in one transaction, written with bulk inserts."""
    from sqlalchemy import insert

    from evidencetracker.db import models as M
    from evidencetracker.domain.fields import clean
    from evidencetracker.services import kinds as K

    with services.ctx.write(f"import {tag}") as session:
        batch, audit = [], []
        # Every row has the shape of the validated template; only the title differs.
        template = clean(K.STRATEGY.fields, {**STRATEGY, "title": tag})
        for i in range(rows):
            values = {**template, "title": f"{tag} {i}"}
            uid = uuid.uuid4()
            batch.append({**values, "uid": uid, "version": 1})
            audit.append(
                {
                    "author": "import",
                    "action": "create",
                    "entity_type": "strategy",
                    "entity_uid": uid,
                    "strategy_uid": uid,
                    "summary": f"Imported strategy '{tag} {i}'",
                    "changes": {},
                }
            )
            if len(batch) == 1000:
                session.execute(insert(M.Strategy), batch)
                session.execute(insert(M.AuditEntry), audit)
                batch, audit = [], []
        if batch:
            session.execute(insert(M.Strategy), batch)
            session.execute(insert(M.AuditEntry), audit)


class _Lite:
    """The few services a child needs, without importing the whole container (faster start)."""

    def __init__(self, db: str):
        from evidencetracker.db.migrate import open_database
        from evidencetracker.services.context import ServiceContext
        from evidencetracker.services.ratings import recompute_touched
        from evidencetracker.services.strategies import StrategyService

        self.db = open_database(db)
        self.ctx = ServiceContext(self.db, lambda: "faults")
        self.ctx.before_commit.append(recompute_touched)
        self.strategies = StrategyService(self.ctx)


def _open(db: str) -> _Lite:
    return _Lite(db)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def child_main(op: str, args: list[str]) -> int:
    """Entry point of a child process (``--child OP ARGS``)."""
    if op == "import":
        services = _open(args[0])
        _say("ready")
        bulk_import(services, int(args[1]), args[2])
        _say("done")
    elif op == "save":
        services = _open(args[0])
        uid = services.strategies.resolve(args[1])
        version = services.strategies.detail(uid).strategy.version
        _say("ready")
        for i in range(1, 1_000_000):
            text = f"save {i} " + "x" * 2000
            version = services.strategies.update(uid, version, {"description": text}).version
            _say(f"saved {i}")
    elif op == "restore":
        from evidencetracker.services.backups import BackupService

        services = _open(args[0])
        _say("ready")
        BackupService(services.db).restore(Path(args[1]))
        _say("done")
    elif op == "writer":
        services = _open(args[0])
        for i in range(int(args[1])):
            services.strategies.create({**STRATEGY, "title": f"{args[2]} {i}"})
        _say("done")
    elif op == "diskfull":
        return _disk_full_child(args[0], args[1], int(args[2]))
    else:
        raise SystemExit(f"unknown child operation {op}")
    return 0


def _disk_full_child(kind: str, target: str, cap: int) -> int:
    """Run one operation with files capped at ``cap`` bytes; print what happened as JSON."""
    import resource
    import signal

    from evidencetracker.atomic import write_atomic
    from evidencetracker.domain.errors import StorageError
    from evidencetracker.services.context import storage_message

    services = None if kind == "export" else _open(target)
    # The app was running before the disk filled: its connection is open, the list read.
    first = services.strategies.list()[0].uid if services else None
    # Without this the kernel kills the process (SIGXFSZ); ignored, writes fail with EFBIG.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))
    result = {"ok": True, "message": ""}
    try:
        if kind == "save":
            version = services.strategies.detail(first).strategy.version
            services.strategies.update(first, version, {"description": "y" * 95_000})
        elif kind == "import":
            bulk_import(services, 3000, "diskfull")
        elif kind == "backup":
            from evidencetracker.services.backups import BackupService

            BackupService(services.db).backup_now("manual")
        elif kind == "export":
            write_atomic(Path(target), b"%PDF-1.7\n" + os.urandom(600_000))
    except StorageError as exc:
        result = {"ok": False, "message": str(exc)}
    except OSError as exc:
        result = {"ok": False, "message": storage_message(exc) or str(exc)}
    except Exception as exc:  # reported, and counted as not survived by the parent
        result = {"ok": False, "message": f"unexpected {type(exc).__name__}: {exc}"}
    _say(json.dumps(result))
    return 0


# -- helpers of the parent -----------------------------------------------------------------------
def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.faults", "--child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def inspect_db(path: Path, where: str = "1=1") -> tuple[bool, int]:
    """(integrity and foreign keys ok, rows of strategies matching ``where``)."""
    conn = sqlite3.connect(path)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ok = ok and not conn.execute("PRAGMA foreign_key_check").fetchall()
        count = conn.execute(f"SELECT count(*) FROM strategies WHERE {where}").fetchone()[0]
        return ok, count
    finally:
        conn.close()


def make_db(path: Path, strategies: int = 5) -> Path:
    from evidencetracker.services.container import Services

    services = Services.open(path, author="faults")
    try:
        for i in range(strategies):
            services.strategies.create({**STRATEGY, "title": f"base {i}"})
    finally:
        services.close()
    return path


def fresh_copy(base: Path, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    target = folder / base.name
    shutil.copy(base, target)  # the base is closed and checkpointed: no -wal to miss
    return target


def _kill_after_ready(proc: subprocess.Popen, delay: float) -> str:
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise RuntimeError(f"child did not start: {line!r}")
    time.sleep(delay)
    proc.kill()
    out = proc.stdout.read()
    proc.wait()
    return out


def _calibrate(*args: str) -> float:
    proc = spawn(*args)
    proc.stdout.readline()
    start = time.monotonic()
    proc.stdout.read()
    proc.wait()
    return time.monotonic() - start


def _in_parallel(trial, delays: list[float], workers: int = 3) -> list[bool]:  # noqa: ANN001
    # Children mostly wait for their kill: a few at a time keep the run short on two cores.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(trial, range(len(delays)), delays))


def _delays(trials: int, span: float, rng: random.Random) -> list[float]:
    # Stratified: one random point in each of ``trials`` equal slices of the run.
    return [span * (i + rng.random()) / trials for i in range(trials)]


# -- kill -9 ------------------------------------------------------------------------------------
def kill_import(work: Path, trials: int = 30, rows: int = 10_000, seed: int = 1) -> Tally:
    rng = random.Random(seed)
    base = make_db(work / "base" / "import.sqlite")
    tally = Tally(
        "import of 10,000 rows" if rows == 10_000 else f"import of {rows} rows", "kill -9"
    )
    trial_db = fresh_copy(base, work / "calib")
    span = _calibrate("import", str(trial_db), str(rows), "bulk") * 1.1

    def trial(n: int, delay: float) -> bool:
        db = fresh_copy(base, work / f"import-{n}")
        _kill_after_ready(spawn("import", str(db), str(rows), "bulk"), delay)
        ok, new = inspect_db(db, "title LIKE 'bulk %'")
        _ok, old = inspect_db(db, "title LIKE 'base %'")
        return ok and new in (0, rows) and old == 5

    for ok in _in_parallel(trial, _delays(trials, span, rng)):
        tally.add(ok)
    return tally


def kill_save(work: Path, trials: int = 30, seed: int = 2) -> Tally:
    rng = random.Random(seed)
    base = make_db(work / "base" / "save.sqlite", strategies=1)
    from evidencetracker.services.container import Services

    services = Services.open(base, author="faults")
    uid = str(services.strategies.list()[0].uid)
    services.close()
    tally = Tally("save (confirmed saves kept)", "kill -9")

    def trial(n: int, delay: float) -> bool:
        db = fresh_copy(base, work / f"save-{n}")
        out = _kill_after_ready(spawn("save", str(db), uid), delay)
        confirmed = [int(x.split()[1]) for x in out.split("\n") if x.startswith("saved ")]
        ok, _count = inspect_db(db)
        conn = sqlite3.connect(db)
        description, version = conn.execute(
            "SELECT description, version FROM strategies"
        ).fetchone()
        conn.close()
        saved = int(description.split()[1]) if description.startswith("save ") else 0
        whole = description in ("", f"save {saved} " + "x" * 2000)
        return bool(ok and whole and saved >= max(confirmed, default=0) and version == saved + 1)

    for ok in _in_parallel(trial, _delays(trials, 0.6, rng)):
        tally.add(ok)
    return tally


def kill_restore(work: Path, trials: int = 20, seed: int = 3) -> Tally:
    rng = random.Random(seed)
    base = make_db(work / "base" / "restore.sqlite", strategies=5)
    big = make_db(work / "base-big" / "restore.sqlite", strategies=5)
    from evidencetracker.services.container import Services

    services = Services.open(big, author="faults")
    bulk_import(services, 3000, "bulk")
    services.close()
    backup = work / "chosen-backup.sqlite"
    from evidencetracker.db.backup import backup_sqlite

    backup_sqlite(big, backup)
    tally = Tally("restore", "kill -9")
    db = fresh_copy(base, work / "restore-calib")
    span = _calibrate("restore", str(db), str(backup)) * 1.1

    def trial(n: int, delay: float) -> bool:
        db = fresh_copy(base, work / f"restore-{n}")
        _kill_after_ready(spawn("restore", str(db), str(backup)), delay)
        ok, total = inspect_db(db)
        return ok and total in (5, 3005)

    for ok in _in_parallel(trial, _delays(trials, span, rng)):
        tally.add(ok)
    return tally


# -- a full disk --------------------------------------------------------------------------------
DISK_CAPS = (16 * 1024, 64 * 1024, 128 * 1024)


def disk_full(work: Path, kind: str, caps: tuple[int, ...] = DISK_CAPS) -> Tally:
    """Run ``kind`` (save, import, backup, export) under each file-size cap."""
    names = {"save": "save", "import": "import", "backup": "backup", "export": "file export"}
    tally = Tally(names[kind], "disk full")
    base = make_db(work / "base" / f"full-{kind}.sqlite", strategies=5)
    for n, cap in enumerate(caps):
        folder = work / f"full-{kind}-{n}"
        db = fresh_copy(base, folder)
        if kind == "backup":
            from evidencetracker.services.backups import BackupService
            from evidencetracker.services.container import Services

            services = Services.open(db, author="faults")
            good = BackupService(services.db).backup_now("manual")
            services.close()
            before = {p.name: p.read_bytes() for p in good.path.parent.iterdir()}
        target = folder / "brief.pdf" if kind == "export" else db
        if kind == "export":
            target.write_bytes(b"%PDF-1.7 the good one")
        digest_before = _state(db)
        proc = spawn("diskfull", kind, str(target), str(cap))
        out, _ = proc.communicate(timeout=120)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if not lines:
            tally.add(False)
            continue
        result = json.loads(lines[-1])
        ok, _count = inspect_db(db)
        if kind == "export":
            intact = target.read_bytes() == b"%PDF-1.7 the good one" or result["ok"]
            leftovers = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
            ok = ok and intact and not leftovers
        elif kind == "backup":
            after = {p.name: p.read_bytes() for p in good.path.parent.iterdir()}
            ok = ok and (result["ok"] or after == before)
        elif not result["ok"]:
            ok = ok and _state(db) == digest_before
        clean_failure = not result["ok"] and result["message"].startswith(DISK_FULL_WORDS)
        tally.add(ok and (result["ok"] or clean_failure))
    return tally


def _state(db: Path) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return tuple(conn.execute("SELECT uid, version, description FROM strategies ORDER BY id"))
    finally:
        conn.close()


# -- damaged files --------------------------------------------------------------------------------
def damage(path: Path, how: str) -> None:
    """Damage a closed database: flip a b-tree page's header, truncate it, or overwrite it."""
    if how == "flipped page":
        conn = sqlite3.connect(path)
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'strategies'"
        ).fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.close()
        with open(path, "r+b") as handle:
            handle.seek((root - 1) * page_size)
            header = bytearray(handle.read(12))
            handle.seek((root - 1) * page_size)
            handle.write(bytes(b ^ 0xFF for b in header))
    elif how == "60% truncation":
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.truncate(int(size * 0.4))
    elif how == "not a database":
        path.write_bytes(b"This is a note, not a database.\n" * 200)
    else:
        raise ValueError(how)


DAMAGE = ("flipped page", "60% truncation", "not a database")


def corruption(work: Path) -> Tally:
    """Damage the database in each way; it must be set aside and its newest backup restored."""
    from evidencetracker.db.backup import check_sqlite_file
    from evidencetracker.services.backups import BackupService
    from evidencetracker.services.container import Services
    from evidencetracker.services.recovery import open_or_recover, restore_recovered

    tally = Tally("damaged database file", "corruption")
    for how in DAMAGE:
        folder = work / f"damage-{how.replace(' ', '-').replace('%', '')}"
        folder.mkdir(parents=True, exist_ok=True)
        db = make_db(folder / "evidence.sqlite", strategies=40)
        services = Services.open(db, author="faults")
        BackupService(services.db).backup_now("manual")
        services.strategies.create({**STRATEGY, "title": "after the backup"})
        services.close()
        damage(db, how)
        result = open_or_recover(db, "faults")
        recovery = result.recovery
        ok = (
            result.services is None
            and recovery is not None
            and recovery.damaged.exists()
            and recovery.backup is not None
        )
        if ok:
            restored = restore_recovered(recovery, "faults")
            ok = restored.strategies.count() == 40
            restored.close()
            ok = ok and check_sqlite_file(db) == []
        elif result.services is not None:
            result.services.close()
        tally.add(ok)
    return tally


# -- the figures ----------------------------------------------------------------------------------
def run_all(quick: bool = False) -> list[Tally]:
    work = Path(tempfile.mkdtemp(prefix="et-faults-"))
    try:
        n = 8 if quick else 30
        tallies = [
            kill_import(work / "ki", trials=n),
            kill_save(work / "ks", trials=n),
            kill_restore(work / "kr", trials=max(6, n * 2 // 3)),
        ]
        tallies += [disk_full(work / f"d{k}", k) for k in ("save", "import", "backup", "export")]
        tallies.append(corruption(work / "c"))
        return tallies
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(tallies: list[Tally]) -> str:
    lines = ["| Operation | Fault | Tried | Survived |", "|---|---|---:|---:|"]
    lines += [f"| {t.operation} | {t.fault} | {t.tried} | {t.survived} |" for t in tallies]
    tried = sum(t.tried for t in tallies)
    survived = sum(t.survived for t in tallies)
    lines.append(f"| **all** | | **{tried}** | **{survived}** |")
    return "\n".join(lines)


def write_docs(text: str, path: Path = DOCS) -> None:
    content = path.read_text(encoding="utf-8")
    start, end = content.index(BEGIN) + len(BEGIN), content.index(END)
    stamp = time.strftime("%Y-%m-%d")
    block = f"\n_Measured {stamp} with `python -m benchmarks.faults`; SQLite "
    block += f"{sqlite3.sqlite_version}._\n\n{text}\n"
    from evidencetracker.atomic import write_atomic

    write_atomic(path, (content[:start] + block + content[end:]).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1], argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer trials")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    tallies = run_all(quick=args.quick)
    text = table(tallies)
    print(text)
    if not args.no_write:
        write_docs(text)
        print(f"\nwritten to {DOCS}")
    return 0 if all(t.tried == t.survived for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
