"""Full-text search over strategies, outcomes, indicators, evidence sources and findings.

One interface, three engines: SQLite FTS5 (kept in step by triggers, migration 0003), PostgreSQL
full-text search over GIN expression indexes, and a LIKE fallback for SQLite builds without
FTS5. User text is parsed by ``domain.search_query`` first, so no engine ever sees its syntax.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, String, Uuid, text

from evidencetracker.domain import search_query as Q
from evidencetracker.services.context import ServiceContext


@dataclass(frozen=True)
class SearchHit:
    """One search result. ``snippet`` marks matched words with HIGHLIGHT_START/END."""

    entity_type: str
    uid: uuid.UUID
    strategy_uid: uuid.UUID | None
    title: str
    snippet: str
    rank: float  # higher is better; title matches come first whatever the rank

    def snippet_text(self, start: str = "", end: str = "") -> str:
        """The snippet with the highlight markers replaced (by nothing, by default)."""
        return self.snippet.replace(Q.HIGHLIGHT_START, start).replace(Q.HIGHLIGHT_END, end)


@dataclass(frozen=True)
class _Target:
    entity: str
    table: str
    alias: str
    columns: tuple[str, ...]  # as indexed by migration 0003, title first
    weights: tuple[float, ...]
    title_sql: str
    strategy_sql: str
    joins: str
    alive: str  # trashed records (and records inside trashed ones) are not found


_FIRST_STRATEGY = (
    "(SELECT s.uid FROM strategy_sources ss JOIN strategies s ON s.id = ss.strategy_id "
    "WHERE ss.source_id = e.id AND s.deleted_at IS NULL ORDER BY ss.id LIMIT 1)"
)

TARGETS = (
    _Target(
        "strategy",
        "strategies",
        "s",
        ("title", "summary", "description"),
        (10.0, 3.0, 1.0),
        "s.title",
        "s.uid",
        "",
        "s.deleted_at IS NULL",
    ),
    _Target(
        "outcome",
        "outcomes",
        "o",
        ("title", "description"),
        (10.0, 1.0),
        "o.title",
        "s.uid",
        "JOIN strategies s ON s.id = o.strategy_id",
        "o.deleted_at IS NULL AND s.deleted_at IS NULL",
    ),
    _Target(
        "indicator",
        "indicators",
        "i",
        ("name", "unit", "notes"),
        (10.0, 2.0, 1.0),
        "i.name",
        "s.uid",
        "JOIN outcomes o ON o.id = i.outcome_id JOIN strategies s ON s.id = o.strategy_id",
        "o.deleted_at IS NULL AND s.deleted_at IS NULL",
    ),
    _Target(
        "evidence source",
        "evidence_sources",
        "e",
        ("title", "authors", "abstract", "notes", "publisher", "doi"),
        (10.0, 4.0, 2.0, 1.0, 1.0, 4.0),
        "e.title",
        _FIRST_STRATEGY,
        "",
        "e.deleted_at IS NULL",
    ),
    _Target(
        "finding",
        "findings",
        "f",
        ("notes",),
        (1.0,),
        "(src.title || ' — ' || o.title)",
        "s.uid",
        "JOIN evidence_sources src ON src.id = f.source_id "
        "JOIN outcomes o ON o.id = f.outcome_id JOIN strategies s ON s.id = o.strategy_id",
        "src.deleted_at IS NULL AND o.deleted_at IS NULL AND s.deleted_at IS NULL",
    ),
)


def pg_document(target: _Target) -> str:
    """The indexed document; must equal the expression of migration 0003's GIN index."""
    cols = " || ' ' || ".join(f"coalesce({target.alias}.{c}, '')" for c in target.columns)
    return f"to_tsvector('simple'::regconfig, {cols})"


def _columns() -> dict[str, Any]:
    return {
        "uid": Uuid(),
        "strategy_uid": Uuid(),
        "title": String(),
        "snippet": String(),
        "score": Float(),
    }


class SearchService:
    """Ranked full-text search; never raises on what a person types."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx
        self._engine: str | None = None

    def engine(self) -> str:
        """'fts5', 'postgresql' or 'like' (SQLite without FTS5)."""
        if self._engine is None:
            if not self.ctx.db.is_sqlite:
                self._engine = "postgresql"
            else:
                with self.ctx.read() as session:
                    found = session.execute(
                        text(
                            "SELECT count(*) FROM sqlite_master "
                            "WHERE type = 'table' AND name = 'strategies_fts'"
                        )
                    ).scalar()
                self._engine = "fts5" if found else "like"
        return self._engine

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """The records matching ``query``, title matches first, then by relevance.

        Args:
            query: words, "exact phrases", prefix* and -exclusions; anything else is plain text.
            limit: at most this many hits overall.
        """
        terms = Q.parse(query)
        wanted = Q.positive(terms)
        if not wanted or limit <= 0:
            return []
        engine = self.engine()
        hits: list[SearchHit] = []
        with self.ctx.read() as session:
            for target in TARGETS:
                if engine == "fts5":
                    stmt, params = self._fts5(target, terms)
                elif engine == "postgresql":
                    stmt, params = self._postgres(target, terms)
                else:
                    stmt, params = self._like(target, terms)
                params["limit"] = limit
                if engine == "fts5":
                    params["pool"] = max(4 * limit, 200)
                    rows = session.execute(stmt, params).all()
                    # Fewer live rows than wanted from a full pool: trashed rows crowded it.
                    if len(rows) < limit and (not rows or rows[0].pooled == params["pool"]):
                        rows = session.execute(stmt, {**params, "pool": -1}).all()
                else:
                    rows = session.execute(stmt, params).all()
                for row in rows:
                    snippet = row.snippet or ""
                    if engine == "like":
                        snippet = Q.highlight(snippet, terms)
                    hits.append(
                        SearchHit(
                            target.entity,
                            row.uid,
                            row.strategy_uid,
                            row.title or "",
                            snippet,
                            float(row.score or 0.0),
                        )
                    )
        hits.sort(key=lambda h: (not _title_hit(h.title, wanted), -h.rank, h.title.casefold()))
        return hits[:limit]

    # -- engines -----------------------------------------------------------------------------
    @staticmethod
    def _select(target: _Target, snippet: str, score: str, where: str, order: str) -> str:
        return (
            f"SELECT {target.alias}.uid AS uid, {target.strategy_sql} AS strategy_uid, "
            f"{target.title_sql} AS title, {snippet} AS snippet, {score} AS score "
            f"FROM {target.table} {target.alias} {target.joins} "
            f"WHERE {where} AND {target.alive} ORDER BY {order} LIMIT :limit"
        )

    def _fts5(self, target: _Target, terms: list[Q.Term]) -> tuple[Any, dict]:
        # Ranking has to score every match; everything else is done for few rows. ``pool``:
        # the best ``:pool`` matches by (bm25, rowid), a total order. ``live``: the best
        # ``:limit`` of those that are not in the Trash (a join per row). When the pool holds
        # ``limit`` live rows they are exactly the best live rows of all matches; otherwise
        # ``search`` runs it again with an unlimited pool (-1). Only then are the title, the
        # strategy and the snippet made, for the final rows.
        fts = f"{target.table}_fts"
        weights = ", ".join(f"{w:g}" for w in target.weights)
        a = target.alias
        pool = (
            f"SELECT rowid AS rid, bm25({fts}, {weights}) AS bm FROM {fts} "
            f"WHERE {fts} MATCH :q ORDER BY bm, rid LIMIT :pool"
        )
        # CROSS JOIN fixes SQLite's join order: the few pooled rows first, then a lookup each.
        live = (
            f"SELECT p.rid AS rid, p.bm AS bm, p.pooled AS pooled "
            f"FROM (SELECT rid, bm, count(*) OVER () AS pooled FROM ({pool})) AS p "
            f"CROSS JOIN {target.table} {a} {target.joins} "
            f"WHERE {a}.id = p.rid AND {target.alive} ORDER BY p.bm, p.rid LIMIT :limit"
        )
        sql = (
            f"SELECT {a}.uid AS uid, {target.strategy_sql} AS strategy_uid, "
            f"{target.title_sql} AS title, snippet({fts}, -1, :hs, :he, '…', 16) AS snippet, "
            f"-best.bm AS score, best.pooled AS pooled FROM ({live}) AS best "
            f"CROSS JOIN {fts} CROSS JOIN {target.table} {a} {target.joins} "
            f"WHERE {fts}.rowid = best.rid AND {fts} MATCH :q AND {a}.id = best.rid "
            "ORDER BY best.bm, best.rid"
        )
        params = {"q": Q.fts5_query(terms), "hs": Q.HIGHLIGHT_START, "he": Q.HIGHLIGHT_END}
        return text(sql).columns(**_columns(), pooled=Integer()), params

    def _postgres(self, target: _Target, terms: list[Q.Term]) -> tuple[Any, dict]:
        pieces, params = [], {}
        for n, (function, argument, exclude) in enumerate(Q.tsquery_parts(terms)):
            params[f"t{n}"] = argument
            piece = f"{function}('simple'::regconfig, :t{n})"
            pieces.append(f"!!({piece})" if exclude else piece)
        query = "(" + " && ".join(pieces) + ")"
        document = pg_document(target)
        weighted = " || ".join(
            f"setweight(to_tsvector('simple'::regconfig, coalesce({target.alias}.{c}, '')), "
            f"'{'A' if i == 0 else 'B'}')"
            for i, c in enumerate(target.columns)
        )
        body = " || ' … ' || ".join(f"coalesce({target.alias}.{c}, '')" for c in target.columns)
        snippet = f"ts_headline('simple'::regconfig, {body}, {query}, :opts)"
        score = f"ts_rank({weighted}, {query}, 1)"
        a = target.alias
        # Rank first; the headline (the costly part) is made for the best rows only.
        best = (
            f"SELECT {a}.id AS rid, {score} AS score FROM {target.table} {a} {target.joins} "
            f"WHERE {document} @@ {query} AND {target.alive} "
            f"ORDER BY score DESC, {a}.id LIMIT :limit"
        )
        sql = (
            f"SELECT {a}.uid AS uid, {target.strategy_sql} AS strategy_uid, "
            f"{target.title_sql} AS title, {snippet} AS snippet, best.score AS score "
            f"FROM ({best}) AS best JOIN {target.table} {a} ON {a}.id = best.rid "
            f"{target.joins} ORDER BY best.score DESC, best.rid"
        )
        params["opts"] = (
            f'StartSel="{Q.HIGHLIGHT_START}", StopSel="{Q.HIGHLIGHT_END}", '
            "MaxWords=24, MinWords=8, HighlightAll=false"
        )
        return text(sql).columns(**_columns()), params

    def _like(self, target: _Target, terms: list[Q.Term]) -> tuple[Any, dict]:
        params: dict[str, Any] = {}
        clauses = []
        body = " || ' ' || ".join(f"coalesce({target.alias}.{c}, '')" for c in target.columns)
        for n, term in enumerate(terms):
            # LIKE cannot tell word boundaries; it over-matches a little, never under-matches.
            params[f"p{n}"] = "%" + _escape_like(" ".join(term.words)) + "%"
            clause = f"lower({body}) LIKE lower(:p{n}) ESCAPE '\\'"
            clauses.append(f"NOT ({clause})" if term.exclude else clause)
        title_like = " OR ".join(
            f"lower({target.title_sql}) LIKE lower(:p{n}) ESCAPE '\\'"
            for n, t in enumerate(terms)
            if not t.exclude
        )
        score = f"CASE WHEN {title_like} THEN 1.0 ELSE 0.0 END"
        sql = self._select(target, body, score, " AND ".join(clauses), "score DESC")
        return text(sql).columns(**_columns()), params


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _title_hit(title: str, wanted: list[Q.Term]) -> bool:
    return any(Q.matches(t, title) for t in wanted)
