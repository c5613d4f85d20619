"""Write the latest result table and machine into docs/performance.md, between two markers.

Everything outside the markers (how to run, what each figure means, the analysis) is written by
people and left untouched.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.generate import Generated
from benchmarks.measure import Row, table
from evidencetracker.atomic import write_atomic

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
BEGIN = "<!-- bench:results:begin (written by benchmarks/run.py; edits here are replaced) -->"
END = "<!-- bench:results:end -->"


def results_block(rows: list[Row], info: dict[str, str], db: Generated, seconds: float) -> str:
    counts = ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in db.counts.items())
    machine = "\n".join(f"| {k} | {v} |" for k, v in info.items())
    missed = [r for r in rows if r.status == "MISSED"]
    absent = [r for r in rows if r.value is None]
    summary = (
        f"{sum(r.status == 'met' for r in rows)} targets met, {len(missed)} missed, "
        f"{len(absent)} figures not measured."
    )
    return "\n".join(
        [
            BEGIN,
            "",
            f"Database: `{db.path.name}` ({counts}). Whole run: {seconds:.0f} s. {summary}",
            "",
            table(rows),
            "",
            "| machine | |",
            "|---|---|",
            machine,
            "",
            END,
        ]
    )


def write_doc(
    rows: list[Row], info: dict[str, str], db: Generated, seconds: float, path: Path | None = None
) -> Path:
    """Replace the results block of the doc (created with a stub if missing); returns it."""
    path = path or DOC
    block = results_block(rows, info, db, seconds)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## Latest results\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, text.encode("utf-8"))
