"""What an import intends to do (operations), and what it reports back.

A converter turns rows into ``Op``s, validating each through the schema so a bad row is
rejected with its row, column and reason before anything touches the database. The writer then
applies the ops in one transaction.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from evidencetracker.domain.errors import ValidationError
from evidencetracker.domain.fields import clean
from evidencetracker.services.crud import Kind

# Stable record IDs for rows that carry their own IDs (WWC study 131 is always the same source).
IMPORT_NAMESPACE = uuid.UUID("5b8f0a52-2c1e-4d39-9a57-6f3e0d7c9b21")
_AMBIGUOUS_DATE = re.compile(r"^\s*\d{1,2}[/.\-]\d{1,2}([/.\-]\d{2,4})?\s*$")


def stable_uid(*parts: Any) -> uuid.UUID:
    return uuid.uuid5(IMPORT_NAMESPACE, ":".join(str(p) for p in parts))


@dataclass(frozen=True)
class Rejection:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""


@dataclass
class Op:
    """Create or update one record. ``links`` name other ops by ref (or hold ORM-free values).

    ``values`` are clean (made by ``validated``): the bulk writer inserts them as they are.
    """

    ref: str
    kind: Kind
    values: dict[str, Any]
    row: int
    uid: uuid.UUID | None = None
    match_title_geo: bool = False  # strategies: same title and countries is the same strategy
    links: dict[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    # The fields the file gave: an update changes only these (None: all of ``values``).
    provided: frozenset[str] | None = None
    action: str = "record"  # or "link": attach the source op to the strategy op


@dataclass
class Plan:
    ops: list[Op] = field(default_factory=list)
    refs: dict[str, Op] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, op: Op) -> Op:
        if op.ref in self.refs:
            return self.refs[op.ref]
        self.refs[op.ref] = op
        self.ops.append(op)
        return op


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    source: str
    dry_run: bool
    rows: int = 0
    encoding: str = ""
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: list[Any] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> str:
        verb = "Would create" if self.dry_run else "Created"
        parts = [f"{n} {e}" for e, n in sorted(self.created.items())] or ["nothing"]
        lines = [f"{verb}: {', '.join(parts)}."]
        if self.updated:
            upd = ", ".join(f"{n} {e}" for e, n in sorted(self.updated.items()))
            lines.append(("Would update" if self.dry_run else "Updated") + f": {upd}.")
        if self.unchanged:
            same = ", ".join(f"{n} {e}" for e, n in sorted(self.unchanged.items()))
            lines.append(f"Already up to date: {same}.")
        if self.rejected:
            lines.append(f"Rejected {len(self.rejected)} rows.")
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)} rows.")
        if self.duplicates:
            lines.append(f"Found {len(self.duplicates)} possible duplicates.")
        if self.cancelled:
            lines = ["Cancelled: nothing was imported."]
        return " ".join(lines)


class ImportCancelled(Exception):
    """Raised inside the import transaction when the person pressed Cancel."""


class RowRejected(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def validated(kind: Kind, values: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """Clean values through the schema; a failure names the spreadsheet column, not the field."""
    dates = _date_fields(kind)
    for name, value in values.items():
        if name not in dates:
            continue
        if isinstance(value, str) and _AMBIGUOUS_DATE.match(value):
            raise RowRejected(
                columns.get(name, name),
                f"'{value}' is an ambiguous date (day and month order unknown); use YYYY-MM-DD",
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise RowRejected(
                columns.get(name, name), f"{value} is a number, not a date; use YYYY-MM-DD"
            )
        day = value.date() if isinstance(value, datetime) else value
        if isinstance(day, date) and day < date(1900, 3, 1):
            raise RowRejected(
                columns.get(name, name),
                "dates before 1900-03-01 are unreliable in spreadsheets (Excel's serial 60 "
                "is the non-existent 1900-02-29); type the date as YYYY-MM-DD",
            )
    try:
        return clean(kind.fields, values, rules=kind.rules)
    except ValidationError as exc:
        first = exc.errors[0]
        raise RowRejected(columns.get(first.field, first.field), str(exc)) from None


# id(fields) -> (fields, names of its date fields); the fields are kept so the id stays theirs.
_DATE_FIELDS: dict[int, tuple[tuple, frozenset[str]]] = {}


def _date_fields(kind: Kind) -> frozenset[str]:
    """The names of the kind's date fields (asked for every row: cached by the fields' id)."""
    found = _DATE_FIELDS.get(id(kind.fields))
    if found is None:
        names = frozenset(f.name for f in kind.fields if f.kind == "date")
        found = _DATE_FIELDS[id(kind.fields)] = (kind.fields, names)
    return found[1]
