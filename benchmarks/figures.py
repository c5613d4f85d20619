"""The in-process figures: browser queries, the editor, ratings, briefs, import and bundles.

Each figure measures the app's own service (or widget) and a floor in the same run: the least
work the same task needs with no app code around it (raw ``sqlite3``, bare ReportLab). A figure
whose feature is not in the app yet reports "not measured: <feature> not present".
"""

from __future__ import annotations

import importlib
import io
import math
import re
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.generate import Generated
from benchmarks.measure import Row, Target, median, not_measured, percentile, repeat, timed
from evidencetracker.domain import enums as E
from evidencetracker.services.container import Services
from evidencetracker.services.strategies import StrategyQuery

P95 = Target(50, None, "p95 < 50 ms")
EDITOR = Target(200, None, "< 200 ms")
RECOMPUTE = Target(5, None, "< 5 s")
BRIEF = Target(0.5, None, "< 0.5 s")
IMPORT = Target(None, 3, "≤ 3x floor")
WINDOW = 200  # rows the browser asks for per query


@dataclass
class Bench:
    """What every figure needs: the open services, the generated database and the budgets."""

    services: Services
    db: Generated
    reps: int = 3
    queries: int = 100
    batch: int = 200  # briefs in the batch figure
    import_rows: int | None = None  # None: 100,000 if the pilot says they fit the budget
    bundle_size: str = "small"  # the database the bundle round trip uses
    log: Callable[[str], None] = print
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="et-bench-")))

    def raw(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.db.path}?mode=ro", uri=True)


def feature(module: str, name: str) -> Any:
    """The class or function ``module.name`` if the app has it yet, else None."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _latency_rows(
    label: str, times_ms: list[float], floor_ms: list[float], target: Target, note: str = ""
) -> list[Row]:
    n = len(times_ms)
    return [
        Row(
            f"{label} p50",
            "ms",
            percentile(times_ms, 50),
            percentile(floor_ms, 50),
            None,
            n,
            note,
        ),
        Row(
            f"{label} p95",
            "ms",
            percentile(times_ms, 95),
            percentile(floor_ms, 95),
            target,
            n,
            note,
        ).finish(),
    ]


def _floor_page(b: Bench, n: int) -> list[float]:
    """The least a browser query costs: raw sqlite3 fetching one window of strategy rows."""
    con = b.raw()
    sql = f"SELECT * FROM strategies WHERE deleted_at IS NULL ORDER BY title LIMIT {WINDOW}"
    try:
        return [timed(lambda: con.execute(sql).fetchall())[0] * 1000 for _ in range(n)]
    finally:
        con.close()


def _browser_job(b: Bench, q: StrategyQuery) -> None:
    # What the browser runs per keystroke or facet change: the count and the first window.
    svc = b.services.strategies
    svc.count(q)
    svc.list(StrategyQuery(**{**q.__dict__, "limit": WINDOW}))


def browser_filters(b: Bench) -> list[Row]:
    """Typing in the browser's filter box, and choosing facets (count + first 200 rows)."""
    texts = corpus.search_queries(b.queries)
    facets = _facet_queries(b.queries)
    for q in texts[:5]:  # warm the page cache and the statement caches
        _browser_job(b, StrategyQuery(text=q))
    text_ms = [timed(lambda q=q: _browser_job(b, StrategyQuery(text=q)))[0] * 1000 for q in texts]
    facet_ms = [timed(lambda q=q: _browser_job(b, q))[0] * 1000 for q in facets]
    floor = _floor_page(b, max(len(texts), len(facets)))
    return _latency_rows("Browser filter: text", text_ms, floor, P95) + _latency_rows(
        "Browser filter: facets", facet_ms, floor, P95
    )


def _facet_queries(n: int) -> list[StrategyQuery]:
    focus = list(E.Focus)
    types = list(E.PartnershipType)
    statuses = list(E.StrategyStatus)
    ratings = list(E.RatingLevel)
    sorts = ["title", "rating", "sources", "updated_at", "status"]
    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:
            q = StrategyQuery(focus=focus[i % len(focus)])
        elif kind == 1:
            q = StrategyQuery(partnership_type=types[i % len(types)], status=statuses[i % 4])
        elif kind == 2:
            q = StrategyQuery(geography=corpus.COUNTRIES[i % len(corpus.COUNTRIES)])
        elif kind == 3:
            q = StrategyQuery(rating=ratings[i % len(ratings)])
        else:
            q = StrategyQuery(focus=focus[i % 4], text=corpus.TOPICAL[i % len(corpus.TOPICAL)])
        out.append(StrategyQuery(**{**q.__dict__, "sort": sorts[i % len(sorts)]}))
    return out


def search(b: Bench) -> list[Row]:
    """The search box: SearchService.search over every kind of record."""
    service = feature("evidencetracker.services.search", "SearchService")
    if service is None:
        return [not_measured("Search p95", "ms", "SearchService", P95)]
    svc = getattr(b.services, "search", None) or service(b.services.ctx)
    queries = corpus.search_queries(b.queries, seed=11)
    for q in queries[:5]:
        svc.search(q)
    times = [timed(lambda q=q: svc.search(q))[0] * 1000 for q in queries]
    con = b.raw()
    fts = [
        name
        for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE '%USING fts5%' "
            "AND sql NOT LIKE '%trigram%'"  # the browser filter's index, not a search index
        )
    ]

    def ranked(q: str) -> None:
        # The least a ranked search over everything needs now that the service skips every
        # index whose bm25 cannot reach the list (ranking them all, the floor until then, took
        # 3-5x the service): each word's document count in each index, which bounds its bm25,
        # then the best 50 by bm25 of the index that can score highest.
        words = [f'"{w}"' for w in q.split()]
        best: tuple[float, str] | None = None
        for name in fts:
            rows = con.execute(f'SELECT count(*) FROM "{name}_docsize"').fetchone()[0]
            counts = [
                con.execute(
                    f'SELECT count(*) FROM "{name}" WHERE "{name}" MATCH ?', (w,)
                ).fetchone()[0]
                for w in words
            ]
            if min(counts) == 0:
                continue
            ceiling = sum(max(math.log((rows - n + 0.5) / (n + 0.5)), 1e-6) for n in counts)
            if best is None or ceiling > best[0]:
                best = (ceiling, name)
        if best is not None:
            name = best[1]
            con.execute(
                f'SELECT rowid FROM "{name}" WHERE "{name}" MATCH ? ORDER BY bm25("{name}") '
                "LIMIT 50",
                (" ".join(words),),
            ).fetchall()

    if fts:
        floor = [timed(lambda q=q: ranked(q))[0] * 1000 for q in queries]
    else:
        floor = _floor_page(b, len(queries))
    con.close()
    engine = svc.engine() if hasattr(svc, "engine") else "?"
    return _latency_rows("Search (SearchService)", times, floor, P95, f"engine: {engine}")


def _floor_editor(b: Bench, strategy_id: int) -> Callable[[], None]:
    con = b.raw()

    def run() -> None:
        con.execute("SELECT * FROM strategies WHERE id=?", (strategy_id,)).fetchall()
        con.execute("SELECT * FROM partners WHERE strategy_id=?", (strategy_id,)).fetchall()
        con.execute(
            "SELECT s.* FROM evidence_sources s JOIN strategy_sources l ON l.source_id=s.id "
            "WHERE l.strategy_id=?",
            (strategy_id,),
        ).fetchall()
        con.execute(
            "SELECT f.* FROM findings f JOIN outcomes o ON o.id=f.outcome_id WHERE o.strategy_id=?",
            (strategy_id,),
        ).fetchall()
        con.execute(
            "SELECT m.* FROM measurements m JOIN indicators i ON i.id=m.indicator_id "
            "JOIN outcomes o ON o.id=i.outcome_id WHERE o.strategy_id=?",
            (strategy_id,),
        ).fetchall()

    return run


def editor(b: Bench) -> list[Row]:
    """Opening the strategy with 500 evidence sources: its detail, then the editor showing it."""
    uid = b.db.editor_strategy_uid
    svc = b.services.strategies
    svc.detail(uid)  # warm
    detail_times = repeat(lambda: svc.detail(uid), b.reps * 2, 20)
    floor = repeat(_floor_editor(b, 1), b.reps * 2, 10)
    n_sources = len(svc.detail(uid).sources)
    rows = [
        Row(
            f"Open strategy ({n_sources} sources): StrategyService.detail",
            "ms",
            median(detail_times) * 1000,
            median(floor) * 1000,
            None,
            len(detail_times),
            cpu=median(detail_times.cpu) * 1000,
        )
    ]
    editor_cls = feature("evidencetracker.ui.strategy_editor", "StrategyEditor")
    label = f"Open strategy ({n_sources} sources) in the editor"
    if editor_cls is None:
        rows.append(not_measured(label, "ms", "StrategyEditor", EDITOR))
        return rows
    try:
        times = _editor_times(b, editor_cls, uid)
    except Exception as exc:  # a widget mid-rewrite by its owner must not stop the benchmark
        rows.append(Row(label, "ms", target=EDITOR, note=f"not measured: editor failed: {exc!r}"))
        return rows
    cpu = median(times.cpu) * 1000
    rows.append(
        Row(label, "ms", median(times) * 1000, median(floor) * 1000, EDITOR, len(times), cpu=cpu)
    )
    rows[-1].finish()
    return rows


def _editor_times(b: Bench, editor_cls: type, uid: Any) -> list[float]:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from evidencetracker.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    tasks = TaskRunner()
    editor_widget = editor_cls(b.services, tasks, QUndoStack())
    editor_widget.resize(1000, 700)
    editor_widget.show()

    def open_once() -> None:
        done: list[bool] = []
        editor_widget.load(uid, on_loaded=lambda: done.append(True))
        while not done:
            app.processEvents()
            tasks.wait(5)
        app.processEvents()  # the layout and first paint of what was loaded

    try:
        open_once()  # warm
        return repeat(open_once, b.reps * 2, 30)
    finally:
        editor_widget.close()
        tasks.wait(5000)
        editor_widget.deleteLater()
        app.processEvents()


def _floor_ratings(b: Bench) -> Callable[[], None]:
    con = b.raw()

    def run() -> None:
        # Only what the rubric reads: the findings with their study's appraisal columns.
        con.execute(
            "SELECT f.outcome_id, f.source_id, f.direction, f.significant, f.effect_size, "
            "f.follow_up_months, s.uid, s.authors, s.year, s.design, s.concern_attrition, "
            "s.concern_baseline, s.concern_measure, s.evaluator_independent, s.sample_size, "
            "s.sample_group, s.indirect, s.follow_up_months "
            "FROM findings f JOIN evidence_sources s ON s.id=f.source_id ORDER BY f.id"
        ).fetchall()
        con.execute('SELECT id, strategy_id, "primary", deleted_at FROM outcomes').fetchall()
        con.execute(
            "SELECT i.id, i.outcome_id, i.baseline_value, i.direction, m.value "
            "FROM indicators i JOIN measurements m ON m.indicator_id=i.id"
        ).fetchall()

    return run


def recompute(b: Bench) -> list[Row]:
    """RatingService.recompute_all over the whole database."""
    times = repeat(b.services.ratings.recompute_all, b.reps, 45)
    floor = repeat(_floor_ratings(b), b.reps, 30)
    return [
        Row(
            "Recompute every rating (RatingService.recompute_all)",
            "s",
            median(times),
            median(floor),
            RECOMPUTE,
            len(times),
            cpu=median(times.cpu),
        ).finish()
    ]


def pdf_pages(data: bytes) -> int:
    return max(1, len(re.findall(rb"/Type\s*/Page(?![s\w])", data)))


def floor_pdf(pages: int) -> bytes:
    """ReportLab at its plainest: a document of ``pages`` pages of plain paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    text = " ".join(["Evidence about a partnership strategy and its outcomes."] * 8)
    story: list[Any] = []
    for page in range(pages):
        story += [Paragraph(f"Page {page + 1}", style)]
        story += [Paragraph(text, style) for _ in range(6)]
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story[:-1])
    return buffer.getvalue()


def briefs(b: Bench) -> list[Row]:
    """One strategy brief PDF, and a batch of 200, against plain ReportLab of the same pages."""
    service = feature("evidencetracker.services.briefs", "BriefService")
    if service is None:
        return [
            not_measured("One strategy brief PDF", "s", "BriefService", BRIEF),
            not_measured("Batch of 200 strategy briefs", "s", "BriefService"),
        ]
    svc = getattr(b.services, "briefs", None) or service(b.services.ctx)
    con = b.raw()
    shareable = (
        "SELECT s.uid, count(l.id) FROM strategies s LEFT JOIN strategy_sources l "
        "ON l.strategy_id = s.id WHERE s.deleted_at IS NULL AND NOT s.confidential AND s.id > 1 "
        "GROUP BY s.id ORDER BY s.id"
    )
    found = con.execute(shareable).fetchall()
    con.close()
    uids = [str(uuid.UUID(hex=u)) for u, _ in found[: int(b.batch)]]
    # "One brief" is of a typical strategy: the first with the median number of sources.
    typical = sorted(n for _, n in found)[len(found) // 2]
    one = str(uuid.UUID(hex=next(u for u, n in found if n == typical)))
    svc.render_strategy(one)  # warm: fonts and styles load once per process
    out = b.work / "brief.pdf"
    times = repeat(lambda: svc.strategy_brief(one, out), b.reps * 2, 20)
    pages = pdf_pages(out.read_bytes())
    floor = repeat(lambda: floor_pdf(pages), b.reps * 2, 10)
    rows = [
        Row(
            f"One strategy brief PDF ({typical} sources, {pages} pages)",
            "s",
            median(times),
            median(floor),
            BRIEF,
            len(times),
            cpu=median(times.cpu),
        ).finish()
    ]
    folder = b.work / "batch"
    cpu = time.process_time()
    seconds, progress = timed(lambda: list(svc.export_batch(uids, folder)))
    cpu = time.process_time() - cpu
    written = [p for p in progress if p.status == "written"]
    page_counts = [pdf_pages(p.path.read_bytes()) for p in written]
    floor_batch, _ = timed(lambda: [floor_pdf(n) for n in page_counts])
    rows.append(
        Row(
            f"Batch of {len(uids)} strategy briefs ({sum(page_counts)} pages)",
            "s",
            seconds,
            floor_batch,
            None,
            1,
            "" if len(written) == len(uids) else f"{len(uids) - len(written)} not written",
            cpu,
        )
    )
    return rows
