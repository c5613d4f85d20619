"""browser index: a covering index for the strategy browser, and a trigram index of its text

The strategy browser filters and sorts strategies on every keystroke. Its facets and sort keys
sit after the long ``description`` in each row, so without an index every query walked the
whole table (about 40 MB for 10,000 strategies). ``ix_strategies_browser`` holds them all, so
facet counts and the first page are answered from the index alone (docs/performance.md).

SQLite only: an external-content FTS5 table with the trigram tokenizer over ``title`` and
``summary`` (SQLite 3.34+), kept in step by triggers like the indexes of migration 0003. The
browser's free-text filter (a substring of the title or summary, LIKE) uses it to find the
candidate strategies of each word of three or more characters; it is not a search index (the
search service ignores it). Without FTS5 or the trigram tokenizer nothing is created and the
filter reads the table, as before. The table's name holds ``_fts`` so that autogenerate leaves
it and its shadow tables alone (see env.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Must equal Strategy.__table_args__ in db/models.py.
BROWSER_COLUMNS = (
    "deleted_at",
    "title",
    "partnership_type",
    "status",
    "headline_level",
    "focus",
    "geography",
    "updated_at",
)
# Must equal TRIGRAM_TABLE in services/text_filter.py.
TRIGRAM = "strategies_trigram_fts"
TRIGRAM_COLUMNS = ("title", "summary")


def trigram_available(conn) -> bool:  # noqa: ANN001 - an SQLAlchemy connection
    """Whether this SQLite library has FTS5 with the trigram tokenizer (3.34 and later)."""
    try:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.et_trigram_probe USING fts5(a, tokenize='trigram')"
        )
    except Exception:  # OperationalError: "no such module: fts5" / "no such tokenizer"
        return False
    conn.exec_driver_sql("DROP TABLE temp.et_trigram_probe")
    return True


def _create_trigram_index(conn) -> None:  # noqa: ANN001
    cols = ", ".join(TRIGRAM_COLUMNS)
    new = ", ".join(f"new.{c}" for c in TRIGRAM_COLUMNS)
    old = ", ".join(f"old.{c}" for c in TRIGRAM_COLUMNS)
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {TRIGRAM} USING fts5({cols}, content='strategies', "
        "content_rowid='id', tokenize='trigram')"
    )
    conn.exec_driver_sql(
        f"CREATE TRIGGER {TRIGRAM}_ai AFTER INSERT ON strategies BEGIN "
        f"INSERT INTO {TRIGRAM}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    conn.exec_driver_sql(
        f"CREATE TRIGGER {TRIGRAM}_ad AFTER DELETE ON strategies BEGIN "
        f"INSERT INTO {TRIGRAM}({TRIGRAM}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
    )
    # Only when the title or summary changes: version bumps and rating caches leave it alone.
    conn.exec_driver_sql(
        f"CREATE TRIGGER {TRIGRAM}_au AFTER UPDATE OF {cols} ON strategies BEGIN "
        f"INSERT INTO {TRIGRAM}({TRIGRAM}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {TRIGRAM}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    conn.exec_driver_sql(f"INSERT INTO {TRIGRAM}({TRIGRAM}) VALUES ('rebuild')")


def upgrade() -> None:
    op.create_index("ix_strategies_browser", "strategies", list(BROWSER_COLUMNS), unique=False)
    conn = op.get_bind()
    if conn.dialect.name == "sqlite" and trigram_available(conn):
        _create_trigram_index(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGRAM}_{suffix}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TRIGRAM}")
    op.drop_index("ix_strategies_browser", table_name="strategies")
