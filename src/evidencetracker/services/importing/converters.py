"""Turning mapped spreadsheet rows into import operations: the generic table converters.

The generic converters import one entity per file (strategies, or evidence sources), a row per
record, matching existing records by ID (``uid``) or, for strategies, by title and countries.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from evidencetracker.domain import schema as S
from evidencetracker.services import kinds as K
from evidencetracker.services.crud import Kind
from evidencetracker.services.importing.mapping import ImportField
from evidencetracker.services.importing.plan import Op, Plan, RowRejected, validated
from evidencetracker.services.importing.reading import Row, SheetData


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Converter:
    """Base: subclasses declare ``fields`` and turn one row into ops with ``convert_row``."""

    name: ClassVar[str]
    label: ClassVar[str]
    fields: ClassVar[tuple[ImportField, ...]]

    def plan(self, sheet: SheetData, mapping: dict[str, str]) -> Plan:
        plan = Plan()
        self.columns = {f: h for f, h in mapping.items() if h}
        for number, column, reason in sheet.unreadable:
            plan.rejected.append(_rejection(number, column, reason))
        for row in sheet.rows:
            # A row's ops go straight into the plan's refs (later ops of the row refer to them)
            # and are taken out again if the row is rejected. Copying the refs for every row
            # instead made planning quadratic: 100,000 WWC rows took 5 minutes.
            pending = Plan(refs=plan.refs)
            try:
                self.convert_row(row, pending, plan)
            except RowRejected as exc:
                for op in pending.ops:
                    del plan.refs[op.ref]
                plan.rejected.append(_rejection(row.number, exc.column, exc.reason))
                continue
            plan.ops.extend(pending.ops)
            plan.skipped.extend(pending.skipped)
            plan.warnings.extend(pending.warnings)
        plan.rejected.sort(key=lambda r: r.row)
        return plan

    def get(self, row: Row, field: str) -> Any:
        header = self.columns.get(field)
        return row.cells.get(header) if header else None

    def column(self, field: str) -> str:
        return self.columns.get(field, field)

    def convert_row(self, row: Row, pending: Plan, plan: Plan) -> None:
        raise NotImplementedError


def _rejection(number: int, column: str, reason: str):  # noqa: ANN202
    from evidencetracker.services.importing.plan import Rejection

    return Rejection(number, column, reason)


def _schema_fields(fields: tuple, *extra: ImportField) -> tuple[ImportField, ...]:
    found = [ImportField("uid", "ID", aliases=("uuid", "id"))]
    found += [ImportField(f.name, f.label, f.required and f.default is None) for f in fields]
    found += list(extra)
    return tuple(found)


class TableConverter(Converter):
    """One record of ``kind`` per row; its columns are the entity's schema fields."""

    kind: ClassVar[Kind]
    match_title_geo: ClassVar[bool] = False

    def __init__(self) -> None:
        self.seen_uids: dict[uuid.UUID, int] = {}
        self.seen_keys: dict[tuple, int] = {}

    def convert_row(self, row: Row, pending: Plan, plan: Plan) -> None:
        names = {f.name for f in self.kind.fields}
        raw = {f: self.get(row, f) for f in self.columns if f in names}
        uid = None
        if not blank(self.get(row, "uid")):
            try:
                uid = uuid.UUID(str(self.get(row, "uid")).strip())
            except ValueError:
                raise RowRejected(self.column("uid"), "is not a valid record ID (UUID)") from None
            if uid in self.seen_uids:
                raise RowRejected(
                    self.column("uid"), f"the same ID is already used by row {self.seen_uids[uid]}"
                )
        values = validated(self.kind, raw, self.columns)
        if self.match_title_geo:
            key = (values["title"].casefold(), tuple(values.get("geography") or ()))
            if key in self.seen_keys:
                raise RowRejected(
                    self.column("title"),
                    f"the same title and countries are already in row {self.seen_keys[key]}",
                )
            self.seen_keys[key] = row.number
        if uid is not None:
            self.seen_uids[uid] = row.number
        tags = self.get(row, "tags")
        pending.add(
            Op(
                ref=f"row:{row.number}",
                kind=self.kind,
                values=values,
                row=row.number,
                uid=uid,
                match_title_geo=self.match_title_geo and uid is None,
                tags=tuple(t.strip() for t in str(tags or "").split(";") if t.strip()),
                provided=frozenset(raw),
            )
        )


class StrategyTable(TableConverter):
    name = "strategies"
    label = "Strategies (one per row)"
    kind = K.STRATEGY
    match_title_geo = True
    fields = _schema_fields(S.STRATEGY, ImportField("tags", "Tags", aliases=("keywords",)))


class SourceTable(TableConverter):
    name = "evidence-sources"
    label = "Evidence sources (one per row)"
    kind = K.EVIDENCE_SOURCE
    fields = _schema_fields(S.EVIDENCE_SOURCE, ImportField("tags", "Tags", aliases=("keywords",)))
