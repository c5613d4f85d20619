"""Column types shared by the models: UTC timestamps and sets of codes stored as text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, Text
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC, returned timezone-aware.

    SQLite keeps no time zone; storing UTC everywhere keeps ordering and merges independent
    of the laptop's local clock settings.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class CodeSet(TypeDecorator[tuple[str, ...]]):
    """A sorted set of short codes (Ps, sectors, countries) stored as ``,a,b,``.

    The surrounding commas let SQL filter a member with ``LIKE '%,code,%'`` without a join, and
    the whole set stays one field, so an edit, an audit entry and a merge treat it as one value.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):  # a LIKE pattern or an already-encoded value
            return value
        codes = sorted({str(v) for v in value})
        return "," + ",".join(codes) + "," if codes else ""

    def process_result_value(self, value: str | None, dialect: Any) -> tuple[str, ...]:
        if not value:
            return ()
        return tuple(v for v in value.split(",") if v)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # Comparisons against plain strings (LIKE patterns) are bound as text.
        if isinstance(value, str):
            return String()
        return self


def member_pattern(code: str) -> str:
    """The LIKE pattern that matches a CodeSet column containing ``code``."""
    escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%,{escaped},%"
