"""Timing, statistics, the result table and the machine description of a benchmark run."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Target:
    """A target of the issue: an absolute limit and/or a limit relative to the floor."""

    limit: float | None = None  # in the row's unit
    max_ratio: float | None = None
    text: str = ""

    def check(self, value: float, floor: float | None, unit: str) -> tuple[bool, str]:
        """Whether ``value`` meets the target, and by how much it misses when it does not."""
        misses = []
        if self.limit is not None and value >= self.limit:
            over = value - self.limit
            share = over / self.limit
            misses.append(f"{fmt(over, unit)} over {fmt(self.limit, unit)} (+{share:.0%})")
        if self.max_ratio is not None and floor:
            ratio = value / floor
            if ratio > self.max_ratio:
                misses.append(f"{ratio:.1f}x floor, allowed {self.max_ratio:g}x")
        return (not misses, "; ".join(misses))


@dataclass
class Row:
    """One line of the result table."""

    figure: str
    unit: str  # "ms", "s" or "MB"; values are stored in that unit
    value: float | None = None
    floor: float | None = None
    target: Target | None = None
    runs: int = 0
    note: str = ""  # "not measured: ..." when the feature is absent, or a miss
    cpu: float | None = None  # median CPU time of this process, in the row's unit

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def status(self) -> str:
        if self.value is None:
            return "not measured"
        if self.target is None:
            return "-"
        met, _ = self.target.check(self.value, self.floor, self.unit)
        return "met" if met else "MISSED"

    def finish(self) -> Row:
        if self.value is not None and self.target is not None:
            met, miss = self.target.check(self.value, self.floor, self.unit)
            if not met:
                self.note = f"missed by {miss}" + (f"; {self.note}" if self.note else "")
        return self


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    return f"{value:.0f} {unit}"


def not_measured(figure: str, unit: str, feature: str, target: Target | None = None) -> Row:
    return Row(figure, unit, target=target, note=f"not measured: {feature} not present")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``fn`` took, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


class Times(list):
    """Wall-clock seconds of each run, with the CPU seconds of this process beside them.

    On a shared machine the wall clock includes waiting for a core; CPU time does not.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []


def repeat(fn: Callable[[], Any], reps: int, budget: float) -> Times:
    """Run ``fn`` up to ``reps`` times (at least once), stopping when ``budget`` s are spent."""
    times = Times()
    started = time.perf_counter()
    while len(times) < reps:
        cpu = time.process_time()
        times.append(timed(fn)[0])
        times.cpu.append(time.process_time() - cpu)
        if time.perf_counter() - started > budget:
            break
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 100 values is the 95th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def _proc_field(path: str, name: str) -> str | None:
    """The value of ``name: value`` in a /proc file, or None off Linux."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(name):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    return _proc_field("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    total = _proc_field("/proc/meminfo", "MemTotal")
    return int(total.split()[0]) / 1024 / 1024 if total else None


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    try:
        from PySide6 import QtCore

        qt = f"PySide6 {QtCore.__version__ if hasattr(QtCore, '__version__') else ''}".strip()
        qt += f" (Qt {QtCore.qVersion()})"
    except ImportError:
        qt = "not installed"
    import reportlab
    import sqlalchemy

    ram = _ram_gb()
    return {
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": _cpu_model(),
        "Cores": str(os.cpu_count()),
        "RAM": f"{ram:.1f} GB" if ram else "?",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "SQLite": sqlite3.sqlite_version,
        "Qt": qt,
        "SQLAlchemy": sqlalchemy.__version__,
        "ReportLab": reportlab.Version,
        "Load average at start (1, 5, 15 min)": _load(),
    }


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (printed and written to docs/performance.md)."""
    lines = [
        "| figure | median | CPU | floor | ratio | target | status | runs | note |",
        "|---|---:|---:|---:|---:|---|---|---:|---|",
    ]
    for r in rows:
        ratio = f"{r.ratio:.1f}x" if r.ratio is not None else "-"
        target = r.target.text if r.target else "-"
        lines.append(
            f"| {r.figure} | {fmt(r.value, r.unit)} | {fmt(r.cpu, r.unit)} | "
            f"{fmt(r.floor, r.unit)} | {ratio} | {target} | {r.status} | {r.runs or '-'} | "
            f"{r.note} |"
        )
    return "\n".join(lines)
