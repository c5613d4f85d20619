"""full-text search

SQLite: one external-content FTS5 table per searchable entity, kept in step by triggers, so
every writer (the app, the CLI, a bulk import) updates the index inside its own transaction.
When the SQLite library was built without FTS5 nothing is created and search falls back to LIKE.

PostgreSQL: one GIN expression index per entity over to_tsvector('simple', ...). The expressions
here must stay identical to DOCUMENTS in services/search.py, or the planner cannot use them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# table -> the columns indexed, in the order the FTS table declares them (title first).
INDEXED = {
    "strategies": ("title", "summary", "description"),
    "outcomes": ("title", "description"),
    "indicators": ("name", "unit", "notes"),
    "evidence_sources": ("title", "authors", "abstract", "notes", "publisher", "doi"),
    "findings": ("notes",),
}


def fts5_available(conn) -> bool:  # noqa: ANN001 - an SQLAlchemy connection
    """Whether this SQLite library has FTS5 (some Python builds lack it)."""
    try:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.et_fts5_probe USING fts5(a)")
    except Exception:  # the driver raises OperationalError "no such module: fts5"
        return False
    conn.exec_driver_sql("DROP TABLE temp.et_fts5_probe")
    return True


def _sqlite_upgrade(conn) -> None:  # noqa: ANN001
    if not fts5_available(conn):
        return
    for table, columns in INDEXED.items():
        fts = f"{table}_fts"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            f"content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
        # Only when an indexed column changes: version bumps and rating caches leave it alone.
        conn.exec_driver_sql(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _pg_document(columns: tuple[str, ...]) -> str:
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _sqlite_upgrade(conn)
    elif conn.dialect.name == "postgresql":
        for table, columns in INDEXED.items():
            op.execute(
                f"CREATE INDEX ix_{table}_fts ON {table} "
                f"USING gin (to_tsvector('simple'::regconfig, {_pg_document(columns)}))"
            )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for table in INDEXED:
            fts = f"{table}_fts"
            for suffix in ("ai", "ad", "au"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")
    elif conn.dialect.name == "postgresql":
        for table in INDEXED:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_fts")
