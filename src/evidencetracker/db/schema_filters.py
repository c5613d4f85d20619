"""What Alembic's autogenerate compares: the tables that the models own.

Shared by the migration environment and the test that checks models and migrations agree.
"""

from __future__ import annotations


def include_name(name, type_, parent_names) -> bool:  # noqa: ANN001 - alembic hook signature
    """Leave out the full-text indexes, which their own DDL manages, not autogenerate.

    On SQLite they are FTS5 tables, which create shadow tables too (<name>_fts_data, _idx,
    _config, _docsize); on PostgreSQL they are GIN expression indexes named ``ix_<table>_fts``.
    """
    return not (type_ in ("table", "index") and name is not None and "_fts" in name)
