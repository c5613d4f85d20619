"""The bulk import writer leaves the database exactly as the one-record-at-a-time writer does.

``apply_plan_per_record`` (tests/io/per_record_writer.py) writes every record through
``crud.create`` as a hand edit does; it is the specification. Each test imports the same files
both ways into two empty databases (SQLite, and PostgreSQL when EVIDENCETRACKER_TEST_PG_URL is
set) and compares every table: rows, versions, tags, links, audit entries and ratings. Local
integer ids, timestamps and the random uids of records without an ID of their own differ between
any two databases, so rows are compared with their foreign keys replaced by what they point at.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from evidencetracker.db import models as M
from evidencetracker.db.base import Base
from evidencetracker.services import crud
from evidencetracker.services import importing as importing_module
from evidencetracker.services.container import Services
from evidencetracker.services.importing import ImportService, Progress, drive
from evidencetracker.services.importing.writer import CHUNK
from tests.conftest import PG_URL_VAR, fresh_pg_database, shared_data
from tests.io.per_record_writer import apply_plan_per_record

WWC = "wwc_findings_wp_meta_v2.csv"
GRANTS = "tip_antitrafficking_grants_2001_2014_clean.csv"
TIMESTAMPS = {"created_at", "updated_at", "at", "computed_at", "deleted_at"}
LEFT_OUT = {"alembic_version", "sync_replica"}


# -- two empty databases ---------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Services, Services]]:
    """Two empty databases of one backend: (bulk, per record)."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            targets = [str(tmp_path / "bulk.sqlite"), str(tmp_path / "per-record.sqlite")]
        else:
            if not os.environ.get(PG_URL_VAR):
                pytest.skip(f"{PG_URL_VAR} is not set: no PostgreSQL server to test against")
            base = os.environ[PG_URL_VAR]
            targets = [stack.enter_context(fresh_pg_database(base)) for _ in range(2)]
        opened = [Services.open(t, author="Importer") for t in targets]
        for svc in opened:
            stack.callback(svc.close)
        yield opened[0], opened[1]


def _import_both(
    pair: tuple[Services, Services], path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> tuple[Any, Any]:
    bulk, per_record = pair
    changes: list[list] = [[], []]
    bulk.ctx.listeners.append(changes[0].append)
    per_record.ctx.listeners.append(changes[1].append)
    try:
        first = ImportService(bulk.ctx).import_file(path, **kw)
        with monkeypatch.context() as m:
            m.setattr(importing_module, "apply_plan", apply_plan_per_record)
            second = ImportService(per_record.ctx).import_file(path, **kw)
    finally:
        bulk.ctx.listeners.remove(changes[0].append)
        per_record.ctx.listeners.remove(changes[1].append)
    assert _report(first) == _report(second)
    # What the screens are told changed: the same entity types and strategies.
    told = [
        [(c.entity_types, _titles(svc, c.strategy_uids)) for c in cs]
        for svc, cs in zip(pair, changes, strict=True)
    ]
    assert told[0] == told[1] and len(told[0]) == 1
    return first, second


def _titles(svc: Services, uids: frozenset) -> list[str]:
    with svc.ctx.read() as session:
        found = session.scalars(select(M.Strategy.title).where(M.Strategy.uid.in_(list(uids))))
        return sorted(found)


def _report(report: Any) -> dict:
    return {
        "created": dict(report.created),
        "updated": dict(report.updated),
        "unchanged": dict(report.unchanged),
        "rejected": [str(r) for r in report.rejected],
        "skipped": report.skipped,
        "warnings": report.warnings,
        "cancelled": report.cancelled,
    }


# -- comparing two databases -----------------------------------------------------------------


def _raw(svc: Services) -> dict[str, list[dict]]:
    with svc.ctx.read() as session:
        return {
            t.name: [dict(r) for r in session.execute(select(t)).mappings()]
            for t in Base.metadata.sorted_tables
            if t.name not in LEFT_OUT
        }


def _fk_targets(table: Any) -> dict[str, str]:
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}


def _normalised(raw: dict[str, list[dict]], stable: dict[str, set]) -> dict[str, list]:
    """Rows as comparable values: ids and random uids replaced by what the row holds."""
    identity: dict[str, dict[int, Any]] = {}
    by_uid: dict[Any, Any] = {}
    out: dict[str, list] = {}
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for name, rows in raw.items():
        fks = _fk_targets(tables[name])
        identity[name] = {}
        normal = []
        for row in sorted(rows, key=lambda r: r.get("id") or 0):
            values = {}
            for column, value in row.items():
                if column in ("id", "uid") or column in TIMESTAMPS:
                    continue
                if column in fks and value is not None:
                    value = identity[fks[column]].get(value, ("dangling", value))
                values[column] = value
            for column in TIMESTAMPS & row.keys():
                values[f"{column} is set"] = row[column] is not None
            if "uid" in row:
                key = (
                    ("uid", str(row["uid"]))
                    if row["uid"] in stable.get(name, ())
                    else (name, repr(sorted(values.items())))
                )
                by_uid[row["uid"]] = key
            else:
                key = (name, repr(sorted(values.items())))
            if "id" in row:
                identity[name][row["id"]] = key
            normal.append(values)
        out[name] = normal
    for values in out["audit_entries"]:
        values["entity_uid"] = by_uid.get(values["entity_uid"], ("gone", values["entity_uid"]))
        values["strategy_uid"] = by_uid.get(values["strategy_uid"], values["strategy_uid"])
    return {
        name: sorted(json.dumps(v, sort_keys=True, default=str) for v in rows)
        for name, rows in out.items()
    }


def _assert_same_database(bulk: Services, per_record: Services) -> None:
    a, b = _raw(bulk), _raw(per_record)
    stable = {
        name: {r["uid"] for r in a[name]} & {r["uid"] for r in b[name]}
        for name in a
        if a[name] and "uid" in a[name][0]
    }
    left, right = _normalised(a, stable), _normalised(b, stable)
    for name in left:
        only_bulk = Counter(left[name]) - Counter(right[name])
        only_per_record = Counter(right[name]) - Counter(left[name])
        assert not only_bulk and not only_per_record, (
            f"{name}: {sum(only_bulk.values())} rows only in the bulk import, e.g. "
            f"{list(only_bulk)[:2]}; {sum(only_per_record.values())} only in the per-record "
            f"import, e.g. {list(only_per_record)[:2]}"
        )
    for rows in a.values():  # the same timestamps semantics: set, created <= updated
        for row in rows:
            if "created_at" in row:
                assert row["created_at"] is not None and row["updated_at"] >= row["created_at"]
    if bulk.db.is_sqlite:
        _assert_search_index_intact(bulk)


def _assert_search_index_intact(svc: Services) -> None:
    """Every full-text index agrees with its table (SQLite FTS5 'integrity-check')."""
    with svc.ctx.read() as session:
        names = session.scalars(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%fts5%'")
        ).all()
        for name in names:
            session.execute(text(f"INSERT INTO {name}({name}) VALUES ('integrity-check')"))
        rows = session.scalar(text("SELECT count(*) FROM findings"))
        indexed = session.scalar(
            text("SELECT count(*) FROM findings_fts WHERE findings_fts MATCH '\"WWC\"'")
        )
    assert indexed == rows


# -- files -----------------------------------------------------------------------------------


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, headers: list[str], rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, headers)
        writer.writeheader()
        writer.writerows(rows)
    return path


# -- the tests -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_real_wwc_file_imports_and_reimports_as_record_by_record(
    pair: tuple[Services, Services], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    bulk, per_record = pair
    report, _ = _import_both(pair, shared_data(WWC), monkeypatch, preset="wwc")
    assert report.created["finding"] == 1553 and report.created["strategy"] == 229
    assert not report.rejected
    _assert_same_database(bulk, per_record)
    rated = [s for s in bulk.strategies.list() if s.headline_level.value != "not_rated"]
    assert rated  # ratings were recomputed at the end, for the strategies the import touched

    # Both databases change the same way: a study goes to the Trash, a finding is edited.
    headers, rows = _rows(shared_data(WWC))
    for svc in pair:
        study = next(s for s in svc.sources.list() if s.sample_group == "WWC study 131")
        svc.sources.delete(study.uid)
    # The file again, changed: two effect sizes differ, study 131 is back, a finding and a
    # study are new (on an existing intervention and domain), one row is invalid.
    rows[0]["f_effect_size_wwc"] = "0.91"
    rows[5]["f_p_value_wwc"] = "0.5"
    extra = dict(rows[10], f_findingid="999001", s_studyid="999", s_citation="New, A. (2024). X.")
    extra_same_study = dict(rows[11], f_findingid="999002")
    broken = dict(rows[12], f_findingid="999003", f_effect_size_wwc="large")
    changed = _write(tmp_path / "wwc2.csv", headers, [*rows, extra, extra_same_study, broken])
    again, _ = _import_both(pair, changed, monkeypatch, preset="wwc")
    assert again.created == Counter({"finding": 2, "evidence source": 1}), again.summary()
    assert again.updated["finding"] == 2 and again.unchanged["strategy"] == 229
    assert any("was in the Trash" in w for w in again.warnings)
    assert [r.row for r in again.rejected] == [len(rows) + 4]
    _assert_same_database(bulk, per_record)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_grants_with_organisations_partners_and_tags_import_as_record_by_record(
    pair: tuple[Services, Services], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    headers, rows = _rows(shared_data(GRANTS))
    first = _write(tmp_path / "first.csv", headers, rows[:250])
    report, _ = _import_both(pair, first, monkeypatch, preset="tip-grants")
    assert report.created["partner"] > 0 and report.created["organisation"] > 0
    _assert_same_database(*pair)
    # Overlapping rows again: the same strategies, organisations and partners are found.
    second = _write(tmp_path / "second.csv", headers, rows[150:400])
    again, _ = _import_both(pair, second, monkeypatch, preset="tip-grants")
    assert again.unchanged["strategy"] > 0 and again.unchanged["organisation"] > 0
    assert again.unchanged["partner"] > 0
    _assert_same_database(*pair)


def test_strategies_by_id_by_title_and_country_with_tags_as_record_by_record(
    pair: tuple[Services, Services], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    known = str(uuid.uuid4())
    for svc in pair:
        for summary in ("First of two with this title", "Second of two"):  # the first is found
            svc.strategies.create(
                {"title": "Twins", "partnership_type": "other", "focus": ["prevention"],
                 "summary": summary},
            )  # fmt: skip
        svc.strategies.create(
            {"title": "Harbour outreach", "partnership_type": "other", "focus": ["prevention"],
             "geography": ["GH"]},
            tags=["ports"],
        )  # fmt: skip
        trashed = svc.strategies.create(
            {"title": "Old shelter", "partnership_type": "other", "focus": ["protection"]}
        )
        svc.strategies.trash(trashed.uid)
    path = tmp_path / "s.csv"
    path.write_text(
        "uid,title,partnership_type,focus,geography,summary,tags\n"
        f"{known},Border shelters,other,protection,TG,New,shelters;north\n"
        ",Harbour outreach,other,prevention,GH,Now weekly,ports;coast\n"
        ",Harbour outreach,other,prevention,KE,Another country,coast\n"
        ",Old shelter,other,protection,,Back,\n"
        ",Ünïcödé café,other,prevention,FR,,café\n"
        ",Twins,other,prevention,,Changed,\n",
        encoding="utf-8",
    )
    report, _ = _import_both(pair, path, monkeypatch)
    assert report.created["strategy"] == 4 and report.updated["strategy"] == 2
    _assert_same_database(*pair)
    path.write_text(
        "uid,title,partnership_type,focus,tags\n"
        f"{known},Border shelters renamed,other,protection,extra\n",
        encoding="utf-8",
    )
    again, _ = _import_both(pair, path, monkeypatch)
    assert again.updated["strategy"] == 1
    _assert_same_database(*pair)


def _synthetic_wwc(path: Path, findings: int) -> Path:
    headers = [
        "f_findingid", "s_studyid", "s_interventionid", "s_intervention_name", "s_citation",
        "s_study_design", "s_study_rating", "f_outcome_domain", "f_effect_size_wwc",
        "f_is_stat_sig", "f_ss",
    ]  # fmt: skip
    rows = [
        {
            "f_findingid": 1000 + n,
            "s_studyid": 500 + n // 4,
            "s_interventionid": 70 + n // 40,
            "s_intervention_name": f"Intervention {n // 40}",
            "s_citation": f"Writer, A. ({2000 + n % 20}). Study {n // 4}. Journal.",
            "s_study_design": "RCT",
            "s_study_rating": "Meets WWC standards without reservations",
            "f_outcome_domain": f"Domain {n % 3}",
            "f_effect_size_wwc": (n % 9) / 10 - 0.2,
            "f_is_stat_sig": "True" if n % 2 else "False",
            "f_ss": 100 + n,
        }
        for n in range(findings)
    ]
    return _write(path, headers, rows)


def test_progress_is_reported_per_batch_and_cancel_writes_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = _synthetic_wwc(tmp_path / "w.csv", 2 * CHUNK + 10)
    steps: list[Progress] = list(_steps(ImportService(services.ctx).run(path, preset="wwc")))
    writing = [p for p in steps if p.total]
    assert len(writing) > 2 * CHUNK // CHUNK + 3  # several batches, not one step
    assert len({p.total for p in writing}) == 1
    assert [p.done for p in writing] == sorted(p.done for p in writing)
    assert writing[-1].done == writing[-1].total
    with services.ctx.read() as session:
        findings = session.scalar(select(M.Finding.id).order_by(M.Finding.id.desc()).limit(1))
    assert findings is not None

    # Cancel after the first batch of findings was written: the whole import is undone.
    empty = Services.open(tmp_path / "empty.sqlite", author="Importer")
    try:
        batches: list[str] = []
        real = crud.create_many

        def spy(session: Any, kind: Any, *args: Any, **kw: Any) -> None:
            batches.append(kind.entity)
            real(session, kind, *args, **kw)

        monkeypatch.setattr(crud, "create_many", spy)
        report = drive(
            ImportService(empty.ctx).run(path, preset="wwc", cancel=lambda: "finding" in batches)
        )
        assert report.cancelled and batches.count("finding") == 1
        assert "nothing was imported" in report.summary()
        with empty.ctx.read() as session:
            for table in Base.metadata.sorted_tables:
                if table.name not in LEFT_OUT:
                    assert session.execute(select(table)).first() is None, table.name
    finally:
        empty.close()


def _steps(gen: Any) -> Iterator[Progress]:
    while True:
        try:
            yield next(gen)
        except StopIteration:
            return


def test_a_failure_in_the_middle_of_the_writing_leaves_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = _synthetic_wwc(tmp_path / "w.csv", CHUNK + 50)
    real, calls = crud.create_many, []

    def failing(*args: Any, **kw: Any) -> None:
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("disk unplugged")
        real(*args, **kw)

    monkeypatch.setattr(crud, "create_many", failing)
    with pytest.raises(RuntimeError, match="disk unplugged"):
        ImportService(services.ctx).import_file(path, preset="wwc")
    assert services.strategies.count() == 0
    with services.ctx.read() as session:
        assert session.execute(select(M.AuditEntry)).first() is None
        assert session.execute(select(M.Finding)).first() is None


def test_a_dry_run_reports_what_the_import_does_and_writes_nothing(
    services: Services, tmp_path: Path
):
    path = _synthetic_wwc(tmp_path / "w.csv", 300)
    dry = ImportService(services.ctx).import_file(path, preset="wwc", dry_run=True)
    with services.ctx.read() as session:
        assert session.execute(select(M.AuditEntry)).first() is None
    real = ImportService(services.ctx).import_file(path, preset="wwc")
    assert dry.created == real.created and dry.created["finding"] == 300
    again = ImportService(services.ctx).import_file(path, preset="wwc", dry_run=True)
    assert again.created == Counter() and again.unchanged["finding"] == 300
