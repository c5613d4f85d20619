"""The strategy browser's free-text filter: every word is a substring of the title or summary.

The filter is defined by LIKE (``%word%``, case-insensitive for ASCII letters, as SQLite and
PostgreSQL's ``lower`` compare them). A LIKE has to read every strategy's row, so on SQLite a
trigram index over the same two columns (migration 0005) first narrows each word of three or
more characters to the strategies that hold all its three-letter pieces, and LIKE then decides
among those. The index folds the case of every letter (LIKE only of ASCII ones), so it finds a
superset of the LIKE matches and the result is exactly the LIKE result. Shorter words, which
have no three-letter piece, and databases without the index use LIKE alone.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, column, literal_column, or_, select, table, text
from sqlalchemy.orm import Session

from evidencetracker.db import models as M

TRIGRAM_TABLE = "strategies_trigram_fts"  # created by migration 0005 on SQLite
MIN_TRIGRAM_WORD = 3  # the trigram tokenizer indexes nothing shorter

_trigram = table(TRIGRAM_TABLE, column("rowid"))


def like_pattern(word: str) -> str:
    """``%word%`` with LIKE's wildcards (and the escape character) taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(word: str) -> ColumnElement[bool]:
    pattern = like_pattern(word)
    S = M.Strategy
    return or_(S.title.ilike(pattern, escape="\\"), S.summary.ilike(pattern, escape="\\"))


def _indexable(word: str) -> bool:
    # A NUL ends the pattern for LIKE but not for FTS5: such words keep the plain LIKE.
    return len(word) >= MIN_TRIGRAM_WORD and "\x00" not in word


def trigram_query(words: list[str]) -> str | None:
    """The FTS5 MATCH expression requiring every indexable word as a quoted string, or None.

    Inside double quotes nothing is FTS5 syntax (an embedded quote is doubled); the trigram
    tokenizer turns each string into the sequence of its three-character pieces.
    """
    quoted = ['"' + w.replace('"', '""') + '"' for w in words if _indexable(w)]
    return " AND ".join(quoted) or None


def text_conditions(
    text_filter: str, *, trigram: bool, in_index_order: bool = False
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the free-text filter.

    Args:
        text_filter: what was typed; each word must be in the title or the summary.
        trigram: the database has the trigram index; the conditions then narrow by it first.
        in_index_order: the statement reads strategies in the order of an index and stops
            early (the first page in title order). SQLite then walks that index and only
            looks each strategy up among the candidates, instead of starting from all of
            them: for a common word the page is full long before the end.
    """
    words = text_filter.split()
    conditions = [_like(word) for word in words]
    query = trigram_query(words) if trigram else None
    if query is not None:
        candidates = select(_trigram.c.rowid).where(
            literal_column(TRIGRAM_TABLE).op("MATCH")(query)
        )
        # "id + 0" is not a bare rowid, so SQLite cannot use the candidates to drive the loop.
        key = M.Strategy.id + 0 if in_index_order else M.Strategy.id
        conditions.insert(0, key.in_(candidates))
    return [and_(*conditions)] if conditions else []


def has_trigram_index(session: Session) -> bool:
    """Whether this database has the trigram index (SQLite with FTS5 trigram, migration 0005)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    found = session.execute(
        text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": TRIGRAM_TABLE},
    ).scalar()
    return bool(found)
