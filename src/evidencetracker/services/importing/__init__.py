"""Bringing evidence in: spreadsheets (CSV, XLSX) with column mapping and presets, citations
(RIS, BibTeX) and bundles. Every import is all-or-nothing; a dry run reports without writing.

Long imports are generators: they yield ``Progress`` and return the ``ImportReport``
(``drive()`` runs one to the end); a ``cancel`` callable returning True stops the import and
nothing is written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.importing.converters import Converter, SourceTable, StrategyTable
from evidencetracker.services.importing.grants import GrantsConverter
from evidencetracker.services.importing.mapping import (
    ImportField,
    Preset,
    auto_match,
    check_mapping,
    save_preset,
    user_presets,
)
from evidencetracker.services.importing.plan import ImportReport, Progress, Rejection
from evidencetracker.services.importing.reading import ImportFileError, SheetData, read_table
from evidencetracker.services.importing.writer import ImportCancelled, apply_plan
from evidencetracker.services.importing.wwc import WWCConverter

CONVERTERS: dict[str, type[Converter]] = {
    c.name: c for c in (StrategyTable, SourceTable, WWCConverter, GrantsConverter)
}
SHIPPED_PRESETS = {
    "wwc": Preset("wwc", "wwc", {}, shipped=True),
    "tip-grants": Preset("tip-grants", "tip-grants", {}, shipped=True),
}
SPREADSHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm")

__all__ = [
    "CONVERTERS",
    "ImportCancelled",
    "ImportField",
    "ImportFileError",
    "ImportReport",
    "ImportService",
    "MappingProposal",
    "Preset",
    "Progress",
    "Rejection",
    "drive",
]


@dataclass(frozen=True)
class MappingProposal:
    """What the mapping step shows: the file's columns, the fields, and the matched mapping."""

    headers: list[str]
    converter: str
    fields: tuple[ImportField, ...]
    mapping: dict[str, str]
    rows: int
    encoding: str


def drive(gen: Generator[Progress, None, Any]) -> Any:
    """Run an import generator to its end and return its result."""
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def _collector_paused(work: Generator[Progress, None, Any]) -> Generator[Progress, None, Any]:
    """Run an import with Python's cyclic garbage collector paused while the import works.

    A large import holds several hundred thousand objects until it ends (the file's rows, the
    planned records and their values), and the collector scanned them again and again: a
    quarter of the time of importing 100,000 WWC findings. The collector is paused only while
    the import's own code runs, not while it waits at a yield (the consumer's code runs
    with it as it was), and it is switched back on whatever happens.
    """
    try:
        while True:
            enabled = gc.isenabled()
            gc.disable()
            try:
                step = next(work)
            except StopIteration as stop:
                return stop.value
            finally:
                if enabled:
                    gc.enable()
            yield step
    finally:
        work.close()


def guess_converter(headers: list[str]) -> str:
    lowered = {h.casefold() for h in headers}
    if {"f_findingid", "s_studyid"} <= lowered:
        return "wwc"
    if {"recipient", "prevention", "prosecution"} <= lowered:
        return "tip-grants"
    if {"source_type", "doi"} & lowered and "partnership_type" not in lowered:
        return "evidence-sources"
    return "strategies"


class ImportService:
    """Import spreadsheets through a column mapping; see the module docstring for the protocol."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    # -- presets and mapping -------------------------------------------------------------------
    def presets(self) -> list[Preset]:
        """Shipped presets first, then the ones saved in the config folder."""
        saved = [p for p in user_presets() if p.name not in SHIPPED_PRESETS]
        return [*SHIPPED_PRESETS.values(), *saved]

    def preset(self, name: str) -> Preset:
        for p in self.presets():
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.presets())
        raise ValidationError(FieldError("preset", f"No preset '{name}' (known: {known})"))

    def save_preset(self, name: str, converter: str, mapping: dict[str, str]) -> Preset:
        if name in SHIPPED_PRESETS:
            raise ValidationError(FieldError("name", f"'{name}' is a built-in preset's name"))
        if converter not in CONVERTERS:
            raise ValidationError(FieldError("converter", f"Unknown import type '{converter}'"))
        preset = Preset(name, converter, dict(mapping))
        save_preset(preset)
        return preset

    def propose(
        self, path: Path, *, preset: str | None = None, converter: str | None = None
    ) -> MappingProposal:
        """Read the file and match its columns to the fields of the chosen (or guessed) type."""
        sheet = read_table(Path(path))
        return self._proposal(sheet, preset, converter)

    def _proposal(
        self, sheet: SheetData, preset: str | None, converter: str | None
    ) -> MappingProposal:
        chosen = self.preset(preset) if preset else None
        name = chosen.converter if chosen else converter or guess_converter(sheet.headers)
        if name not in CONVERTERS:
            raise ValidationError(FieldError("converter", f"Unknown import type '{name}'"))
        fields = CONVERTERS[name].fields
        mapping = auto_match(sheet.headers, fields)
        if chosen and chosen.mapping:
            mapping.update({f: h for f, h in chosen.mapping.items() if h in sheet.headers})
        return MappingProposal(
            sheet.headers, name, fields, mapping, len(sheet.rows), sheet.encoding
        )

    # -- importing -------------------------------------------------------------------------------
    def run(
        self,
        path: Path,
        *,
        preset: str | None = None,
        converter: str | None = None,
        mapping: dict[str, str] | None = None,
        dry_run: bool = False,
        cancel: Callable[[], bool] | None = None,
    ) -> Generator[Progress, None, ImportReport]:
        """Import a CSV or XLSX file (a generator: yields Progress, returns the ImportReport).

        Rows that fail validation are rejected and listed (row, column, reason); the rest is
        written in ONE transaction, or, for a dry run, written and rolled back, so the report
        says exactly what would be created and updated.

        Raises:
            ImportFileError: the file as a whole cannot be read (nothing written).
            ValidationError: the mapping leaves a required field without a column.
        """
        work = self._run(Path(path), preset, converter, mapping, dry_run, cancel)
        return (yield from _collector_paused(work))

    def _run(
        self,
        path: Path,
        preset: str | None,
        converter: str | None,
        mapping: dict[str, str] | None,
        dry_run: bool,
        cancel: Callable[[], bool] | None,
    ) -> Generator[Progress, None, ImportReport]:
        yield Progress(0, 0, f"Reading {path.name}")
        sheet = read_table(path)
        proposal = self._proposal(sheet, preset, converter)
        chosen = dict(proposal.mapping if mapping is None else mapping)
        check_mapping(chosen, sheet.headers, proposal.fields)
        plan = CONVERTERS[proposal.converter]().plan(sheet, chosen)
        report = ImportReport(
            source=path.name,
            dry_run=dry_run,
            rows=len(sheet.rows) + len(sheet.unreadable),
            encoding=sheet.encoding,
            rejected=plan.rejected,
            skipped=plan.skipped,
            warnings=list(plan.warnings),
        )
        del sheet  # the rows' cells are in the plan now; let them go while writing
        return (yield from self._write(plan, report, cancel))

    def _write(
        self, plan: Any, report: ImportReport, cancel: Callable[[], bool] | None
    ) -> Generator[Progress, None, ImportReport]:
        actor = self.ctx.author() or "import"
        try:
            if report.dry_run:
                session = self.ctx.db.sessions()
                try:
                    session.begin()
                    yield from apply_plan(session, plan, actor, report, cancel)
                    session.flush()
                finally:
                    session.rollback()  # a dry run writes nothing, whatever happened
                    session.close()
            else:
                with self.ctx.write(f"import {report.source}") as session:
                    yield from apply_plan(session, plan, actor, report, cancel)
        except ImportCancelled:
            report.created.clear()
            report.updated.clear()
            report.unchanged.clear()
            report.cancelled = True
        return report

    def import_file(self, path: Path, **kw: Any) -> ImportReport:
        """``run`` to the end (no progress); see ``run`` for the arguments."""
        return drive(self.run(path, **kw))
