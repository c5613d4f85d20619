"""Full-text search over strategies, outcomes, indicators, evidence sources and findings.

One interface, three engines: SQLite FTS5 (kept in step by triggers, migration 0003), PostgreSQL
full-text search over GIN expression indexes, and a LIKE fallback for SQLite builds without
FTS5. User text is parsed by ``domain.search_query`` first, so no engine ever sees its syntax.

With FTS5, scoring matches with bm25 is the cost (~1.4 µs a match; a common word is in 84,000
sources), and scores from different indexes are compared as they are: an index where the words
are very common (bm25's idf falls to 1e-6 once a word is in half the rows) scores far below one
where they are not. So the indexes are ranked best-first, and an index is skipped when ``limit``
title hits already score more than its ceiling (the most bm25 can give any of its rows, from
the words' document counts).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, String, Uuid, bindparam, text

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


# FTS5: the best matches of an index are taken from a pool of at least POOL_AT_LEAST.
POOL_AT_LEAST = 200
_BM25_MAX_FACTOR = 2.2  # k1 + 1 in FTS5's bm25: see SearchService._ceilings

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
        self._prune = True  # FTS5: skip indexes that cannot reach the list (``_ceilings``)

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

        Each kind of record contributes its best ``limit`` live matches by relevance (bm25 on
        SQLite, ts_rank on PostgreSQL); of all those, the title matches come first, each group
        by score. On SQLite a kind whose rows cannot score high enough to enter the list is not
        ranked (the result is the same). Results are exact: a word in many records of the one
        kind that must be ranked (a publisher's name in most sources) costs up to ~90 ms on
        100,000 sources, and is not cut short (docs/performance.md).

        Args:
            query: words, "exact phrases", prefix* and -exclusions; anything else is plain text.
            limit: at most this many hits overall.
        """
        terms = Q.parse(query)
        wanted = Q.positive(terms)
        if not wanted or limit <= 0:
            return []
        engine = self.engine()
        if engine == "fts5":
            return self._search_fts5(terms, wanted, limit)
        hits: list[SearchHit] = []
        with self.ctx.read() as session:
            for target in TARGETS:
                if engine == "postgresql":
                    stmt, params = self._postgres(target, terms)
                else:
                    stmt, params = self._like(target, terms)
                params["limit"] = limit
                for row in session.execute(stmt, params).all():
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

    def _search_fts5(
        self, terms: list[Q.Term], wanted: list[Q.Term], limit: int
    ) -> list[SearchHit]:
        # Each index's best ``limit`` live rows by bm25, merged as the other engines do; but
        # an index none of whose rows can reach the final list is not ranked at all (see
        # ``_ceilings``), and the snippets are made for the final rows only.
        pool = max(4 * limit, POOL_AT_LEAST)
        params: dict[str, Any] = {
            "q": Q.fts5_query(terms),
            "hs": Q.HIGHLIGHT_START,
            "he": Q.HIGHLIGHT_END,
            "limit": limit,
            "pool": pool,
        }
        # (title hit, score, order of TARGETS, order within the index, target, row): the
        # other engines' sort key, and their order for ties.
        found: list[tuple[bool, float, int, int, _Target, Any]] = []
        with self.ctx.read() as session:
            ceilings = self._ceilings(session, wanted)
            # The index that can score highest first: its rows make the others' bar.
            for n, target in sorted(enumerate(TARGETS), key=lambda t: -ceilings[t[0]][0]):
                ceiling, most = ceilings[n]
                if most == 0:
                    continue  # a wanted term is in no row of this index
                if self._prune and sum(1 for f in found if f[0] and f[1] > ceiling) >= limit:
                    continue  # ``limit`` title hits already score more than any row here can
                rows = session.execute(self._fts5_ranked(target), params).all()
                # Fewer live rows than wanted from a full pool: trashed rows crowded it out.
                # Rank every match, as many as there are.
                if len(rows) < limit and (not rows or rows[0].pooled == pool):
                    rows = session.execute(self._fts5_ranked(target), {**params, "pool": -1}).all()
                if self._prune and rows and float(rows[0].score or 0.0) >= ceiling:
                    # This SQLite's bm25 is not the formula ``_ceilings`` knows: stop pruning.
                    self._prune = False
                    return self._search_fts5(terms, wanted, limit)
                for i, row in enumerate(rows):
                    title_hit = _title_hit(row.title or "", wanted)
                    found.append((title_hit, float(row.score or 0.0), n, i, target, row))
            found.sort(key=lambda f: (not f[0], -f[1], (f[5].title or "").casefold(), f[2], f[3]))
            found = found[:limit]
            snippets: dict[tuple[str, int], str] = {}
            for target in TARGETS:
                rids = [f[5].rid for f in found if f[4] is target]
                if rids:
                    stmt = self._fts5_snippets(target)
                    for rid, snippet in session.execute(
                        stmt, {**params, "lo": min(rids), "hi": max(rids), "ids": rids}
                    ):
                        snippets[(target.entity, rid)] = snippet or ""
        return [
            SearchHit(
                target.entity,
                row.uid,
                row.strategy_uid,
                row.title or "",
                snippets[(target.entity, row.rid)],
                score,
            )
            for _, score, _, _, target, row in found
            # Gone between the two statements (purged, edited or trashed meanwhile).
            if (target.entity, row.rid) in snippets
        ]

    @staticmethod
    def _ceilings(session: Any, wanted: list[Q.Term]) -> list[tuple[float, int]]:
        """For each index: a score none of its rows reaches, and at most how many rows match.

        FTS5's bm25 (ext/fts5/fts5_aux.c) adds, for each phrase of the query, its idf =
        log((N - n + 0.5) / (n + 0.5)) (1e-6 when that is not positive; N rows, n of them
        holding the phrase) times f * (k1 + 1) / (f + k1 * (1 - b + b * len / avglen)), with
        k1 = 1.2 and b = 0.75. That factor is below k1 + 1 = 2.2 for every row, so no row
        scores 2.2 x the sum of the idfs. Counting n reads the phrase's doclist but scores
        nothing (84,000 rows: ~3 ms, against ~100 ms to rank them).
        """
        parts, params = [], {}
        for n, target in enumerate(TARGETS):
            fts = f"{target.table}_fts"
            parts.append(f"(SELECT count(*) FROM {fts}_docsize) AS r{n}")
            for i, term in enumerate(wanted):
                params[f"p{i}"] = Q.fts5_query([term])
                parts.append(f"(SELECT count(*) FROM {fts} WHERE {fts} MATCH :p{i}) AS h{n}_{i}")
        counts = session.execute(text("SELECT " + ", ".join(parts)), params).one()._mapping
        ceilings = []
        for n, _ in enumerate(TARGETS):
            rows = counts[f"r{n}"]
            hits = [counts[f"h{n}_{i}"] for i in range(len(wanted))]
            idf = [math.log((rows - h + 0.5) / (h + 0.5)) for h in hits]
            ceiling = _BM25_MAX_FACTOR * sum(x if x > 0 else 1e-6 for x in idf)
            ceilings.append((ceiling * (1 + 1e-9) + 1e-12, min(hits)))  # a margin for rounding
        return ceilings

    # -- engines -----------------------------------------------------------------------------
    @staticmethod
    def _select(target: _Target, snippet: str, score: str, where: str, order: str) -> str:
        return (
            f"SELECT {target.alias}.uid AS uid, {target.strategy_sql} AS strategy_uid, "
            f"{target.title_sql} AS title, {snippet} AS snippet, {score} AS score "
            f"FROM {target.table} {target.alias} {target.joins} "
            f"WHERE {where} AND {target.alive} ORDER BY {order} LIMIT :limit"
        )

    @staticmethod
    def _fts5_ranked(target: _Target) -> Any:
        # Ranking has to score every match; everything else is done for few rows. ``pool``:
        # the best ``:pool`` matches by (bm25, rowid), a total order. ``live``: the best
        # ``:limit`` of the pool that are not in the Trash (a join per row). When the pool
        # holds ``limit`` live rows they are exactly the best live rows of all matches;
        # otherwise ``_search_fts5`` runs it again with an unlimited pool (-1). Only then are
        # the title and the strategy made, for the final rows.
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
            f"SELECT best.rid AS rid, {a}.uid AS uid, {target.strategy_sql} AS strategy_uid, "
            f"{target.title_sql} AS title, -best.bm AS score, best.pooled AS pooled "
            f"FROM ({live}) AS best CROSS JOIN {target.table} {a} {target.joins} "
            f"WHERE {a}.id = best.rid ORDER BY best.bm, best.rid"
        )
        columns = _columns()
        del columns["snippet"]
        return text(sql).columns(**columns, rid=Integer(), pooled=Integer())

    @staticmethod
    def _fts5_snippets(target: _Target) -> Any:
        # One pass over the matches between the lowest and the highest wanted rowid: asking
        # for each row by rowid makes FTS5 seek every term's doclist again (~0.1 ms a row).
        # ``+rowid`` keeps the IN list away from FTS5 for that reason. The join drops a record
        # trashed since it was ranked.
        fts = f"{target.table}_fts"
        a = target.alias
        sql = (
            f"SELECT {fts}.rowid AS rid, snippet({fts}, -1, :hs, :he, '…', 16) AS snippet "
            f"FROM {fts} CROSS JOIN {target.table} {a} {target.joins} "
            f"WHERE {fts} MATCH :q AND {fts}.rowid BETWEEN :lo AND :hi "
            f"AND +{fts}.rowid IN :ids AND {a}.id = {fts}.rowid AND {target.alive}"
        )
        return text(sql).bindparams(bindparam("ids", expanding=True))

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
