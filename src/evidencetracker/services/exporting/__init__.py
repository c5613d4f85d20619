"""Taking data out: CSV (a file per table), XLSX (a sheet per table), RIS citations and the JSON
bundle. Confidential content is left out unless asked for; files are written atomically.

``run`` is a generator yielding ``Progress`` and returning the written paths; ``export`` runs it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import rispy

from evidencetracker.atomic import write_atomic
from evidencetracker.domain import enums as E
from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.domain.privacy import Disclosure
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.evidence import EvidenceSourceService
from evidencetracker.services.exporting.bundle import write_bundle
from evidencetracker.services.exporting.tables import TABLE_COLUMNS, cell_text, collect, neutralise
from evidencetracker.services.importing.plan import Progress
from evidencetracker.services.strategies import StrategyQuery, StrategyService

FORMATS = ("csv", "xlsx", "ris", "json")
RIS_TYPES = {
    E.SourceType.PEER_REVIEWED: "JOUR",
    E.SourceType.EVALUATION_REPORT: "RPRT",
    E.SourceType.CASE_STUDY: "RPRT",
    E.SourceType.ADMINISTRATIVE_DATA: "DATA",
    E.SourceType.MONITORING_DATA: "DATA",
}


class ExportCancelled(Exception):
    pass


def format_for(path: Path, requested: str | None) -> str:
    if requested:
        if requested not in FORMATS:
            raise ValidationError(
                FieldError("format", f"'{requested}' is not one of {', '.join(FORMATS)}")
            )
        return requested
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "csv"


class ExportService:
    """Exports of the whole database, honouring the privacy rules."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx
        self.strategies = StrategyService(ctx)
        self.sources = EvidenceSourceService(ctx)

    def _tables(
        self, disclosure: Disclosure, cancel: Callable[[], bool] | None
    ) -> Generator[Progress, None, dict[str, list[dict[str, Any]]]]:
        uids = [s.uid for s in self.strategies.list(StrategyQuery())]
        tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_COLUMNS}
        for item in collect(uids, self.strategies.detail, self.sources.list(), disclosure):
            if isinstance(item, int):
                if cancel is not None and cancel():
                    raise ExportCancelled()
                if item % 25 == 0:
                    yield Progress(item, len(uids), f"Reading strategy {item} of {len(uids)}")
                continue
            table, row = item
            tables[table].append(row)
        return tables

    def run(
        self,
        out: Path,
        *,
        fmt: str | None = None,
        include_confidential: bool = False,
        small_cell_k: int | None = None,
        include_audit: bool = False,
        cancel: Callable[[], bool] | None = None,
    ) -> Generator[Progress, None, list[Path]]:
        """Export to ``out`` (a folder for CSV, a file otherwise); returns the files written."""
        out = Path(out)
        fmt = format_for(out, fmt)
        disclosure = Disclosure(include_confidential=include_confidential)
        if small_cell_k is not None:
            disclosure = Disclosure(include_confidential, small_cell_k)
        yield Progress(0, 0, "Starting export")
        if fmt == "json":
            out.parent.mkdir(parents=True, exist_ok=True)
            write_bundle(
                self.ctx,
                out,
                include_confidential=include_confidential,
                include_audit=include_audit,
                small_cell_k=disclosure.small_cell_k,
            )
            return [out]
        if fmt == "ris":
            out.parent.mkdir(parents=True, exist_ok=True)
            sources = [s for s in self.sources.list() if include_confidential or not s.confidential]
            write_atomic(out, ris_text(sources).encode("utf-8"))
            return [out]
        tables = yield from self._tables(disclosure, cancel)
        if fmt == "csv":
            out.mkdir(parents=True, exist_ok=True)
            written = []
            for name, rows in tables.items():
                written.append(write_atomic(out / f"{name}.csv", csv_bytes(name, rows)))
            return written
        out.parent.mkdir(parents=True, exist_ok=True)
        return [write_atomic(out, xlsx_bytes(tables))]

    def export(self, out: Path, **kw: Any) -> list[Path]:
        """``run`` to the end; see ``run`` for the arguments."""
        from evidencetracker.services.importing import drive

        return drive(self.run(out, **kw))


def csv_bytes(name: str, rows: list[dict[str, Any]]) -> bytes:
    columns = TABLE_COLUMNS[name]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(cell_text(row.get(c))) for c in columns])
    # UTF-8 with a BOM: spreadsheet programs then read accents correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(title=name)
        columns = TABLE_COLUMNS[name]
        sheet.append(list(columns))
        for row in rows:
            cells = []
            for c in columns:
                value = row.get(c)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cells.append(value)
                else:
                    cells.append(neutralise(cell_text(value)))
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ris_text(sources: list[Any]) -> str:
    """RIS records of evidence sources (title, authors, year, publisher, DOI, URL, abstract)."""
    entries = []
    for s in sources:
        entry: dict[str, Any] = {
            "type_of_reference": RIS_TYPES.get(s.source_type, "GEN"),
            "title": s.title,
            "id": str(s.uid),
        }
        authors = [a.strip() for a in (s.authors or "").split(";") if a.strip()]
        if authors:
            entry["authors"] = authors
        if s.year:
            entry["year"] = str(s.year)
        for key, value in (
            ("publisher", s.publisher),
            ("doi", s.doi),
            ("abstract", s.abstract),
            ("notes", [s.notes] if s.notes else None),
            ("urls", [s.url] if s.url else None),
        ):
            if value:
                entry[key] = value
        entries.append(entry)
    return rispy.dumps(entries)
