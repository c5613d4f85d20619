"""Hostile spreadsheets, formula injection round trips, and the JSON bundle round trip."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from evidencetracker.domain.errors import ValidationError
from evidencetracker.services.container import Services
from evidencetracker.services.exporting import ExportService
from evidencetracker.services.exporting.bundle import import_bundle
from evidencetracker.services.importing import ImportFileError, ImportService, drive
from evidencetracker.services.sample import load_sample

HEADER = "title,partnership_type,focus,geography,period_start,summary\n"


def _import(svc: Services, path: Path, **kw):  # noqa: ANN202
    return ImportService(svc.ctx).import_file(path, **kw)


def _titles(svc: Services) -> list[str]:
    return sorted(s.title for s in svc.strategies.list())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings_are_detected(services: Services, tmp_path: Path, encoding: str):
    path = tmp_path / "s.csv"
    path.write_bytes(
        (HEADER + "Café réseau,other,prevention,FR,2020-01-01,Señora\n").encode(encoding)
    )
    report = _import(services, path)
    assert report.created["strategy"] == 1
    assert _titles(services) == ["Café réseau"]


def test_bad_bytes_reject_their_row_only(services: Services, tmp_path: Path):
    path = tmp_path / "s.csv"
    path.write_bytes(
        (HEADER + "Good naïve row,other,prevention,,,\n").encode()
        + b"Bad \xff\xfe row,other,prevention,,,\n"
    )
    report = _import(services, path)
    assert [(r.row, r.column) for r in report.rejected] == [(3, "title")]
    assert "not valid in the file's encoding" in report.rejected[0].reason
    assert _titles(services) == ["Good naïve row"]


def test_per_row_problems_are_listed_with_row_and_column(services: Services, tmp_path: Path):
    big = "x" * (10 * 1024 * 1024)
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["title", "partnership_type", "focus", "period_start", "description"])
        w.writerow(["Fine\nwith newline", "other", "prevention", "2020-01-31", "line1\nline2"])
        w.writerow(["Feb 30", "other", "prevention", "2023-02-30", ""])
        w.writerow(["Serial", "other", "prevention", "60", ""])
        w.writerow(["Ambiguous", "other", "prevention", "03/04/2020", ""])
        w.writerow(["Huge", "other", "prevention", "", big])
        w.writerow(["Fine\nwith newline", "other", "prevention", "", ""])
    before = services.strategies.count()
    dry = _import(services, path, dry_run=True)
    assert services.strategies.count() == before
    assert dry.created["strategy"] == 1
    got = {(r.row, r.column): r.reason for r in dry.rejected}
    assert "is not a date" in got[(3, "period_start")]
    assert "is not a date" in got[(4, "period_start")]
    assert "ambiguous" in got[(5, "period_start")]
    assert "longer than" in got[(6, "description")]
    assert "row 2" in got[(7, "title")]
    report = _import(services, path)
    assert _titles(services) == ["Fine\nwith newline"] or _titles(services) == ["Fine with newline"]
    assert report.created["strategy"] == 1


def test_duplicate_ids_within_the_file_and_against_the_database(services: Services, tmp_path: Path):
    existing = services.strategies.create(
        {"title": "Existing", "partnership_type": "other", "focus": ["prevention"]}
    )
    other = "0f2e4f7e-5b8a-4d2c-9c41-6c9b2f1e7a10"
    path = tmp_path / "s.csv"
    path.write_text(
        "uid,title,partnership_type,focus\n"
        f"{existing.uid},Existing renamed,other,prevention\n"
        f"{other},New one,other,prevention\n"
        f"{other},New again,other,protection\n"
        "not-a-uuid,Broken,other,prevention\n",
        encoding="utf-8",
    )
    report = _import(services, path)
    assert report.updated["strategy"] == 1 and report.created["strategy"] == 1
    assert [(r.row, r.column) for r in report.rejected] == [(4, "uid"), (5, "uid")]
    assert _titles(services) == ["Existing renamed", "New one"]
    assert services.strategies.get(existing.uid).version == existing.version + 1


def test_same_title_and_country_updates_instead_of_duplicating(services: Services, tmp_path: Path):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "Task force,other,prosecution,KE,,first\n", encoding="utf-8")
    _import(services, path)
    path.write_text(HEADER + "Task force,other,prosecution,KE,,second\n", encoding="utf-8")
    report = _import(services, path)
    assert report.updated["strategy"] == 1
    [only] = services.strategies.list()
    assert services.strategies.get(only.uid).summary == "second"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (HEADER.encode(), "no data rows"),
        (b"title,title\nA,B\n", "appears twice"),
    ],
)
def test_whole_file_errors(services: Services, tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        _import(services, path)
    assert services.strategies.count() == 0


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_imports_and_truncated_or_bomb_files_are_refused(services: Services, tmp_path: Path):
    good = tmp_path / "s.xlsx"
    good.write_bytes(
        _xlsx([["title", "partnership_type", "focus"], ["From Excel", "other", "prevention"]])
    )
    assert _import(services, good).created["strategy"] == 1
    truncated = tmp_path / "t.xlsx"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(ImportFileError, match="not a readable XLSX|damaged|cannot be opened"):
        _import(services, truncated)
    bomb = tmp_path / "bomb.xlsx"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
            for i in range(1, 10)
        )
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = laughs.encode()
            dst.writestr(item, data)
    with pytest.raises(ImportFileError):
        _import(services, bomb)
    assert _titles(services) == ["From Excel"]


def test_cancel_writes_nothing(services: Services, tmp_path: Path):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "".join(f"S{i},other,prevention,,,\n" for i in range(120)), "utf-8")
    report = drive(ImportService(services.ctx).run(path, cancel=lambda: True))
    assert report.cancelled and services.strategies.count() == 0


def test_presets_save_and_load(services: Services, tmp_path: Path):
    imports = ImportService(services.ctx)
    path = tmp_path / "s.csv"
    path.write_text("Name Of Strategy,Kind,Ps\nMapped,other,prevention\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="Title"):
        imports.import_file(path, converter="strategies")
    imports.save_preset(
        "mine",
        "strategies",
        {"title": "Name Of Strategy", "partnership_type": "Kind", "focus": "Ps"},
    )
    assert "mine" in [p.name for p in imports.presets()]
    assert imports.import_file(path, preset="mine").created["strategy"] == 1


def test_formula_injection_is_neutralised_and_reimports_to_the_original(
    services: Services, tmp_path: Path
):
    nasty = ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "'quoted", "-0.25"]
    for n, text in enumerate(nasty):
        services.strategies.create(
            {
                "title": f"T{n}",
                "summary": text,
                "partnership_type": "other",
                "focus": ["prevention"],
            }
        )
    out = tmp_path / "csv"
    ExportService(services.ctx).export(out, fmt="csv")
    cells = {
        r["title"]: r["summary"]
        for r in csv.DictReader((out / "strategies.csv").open(encoding="utf-8-sig", newline=""))
    }
    for n, text in enumerate(nasty):
        expected = text if text == "-0.25" else "'" + text
        assert cells[f"T{n}"] == expected
    fresh = Services.open(tmp_path / "fresh.sqlite")
    try:
        _import(fresh, out / "strategies.csv")
        got = {s.title: fresh.strategies.get(s.uid).summary for s in fresh.strategies.list()}
        assert got == {f"T{n}": text for n, text in enumerate(nasty)}
    finally:
        fresh.close()
    xlsx = tmp_path / "all.xlsx"
    ExportService(services.ctx).export(xlsx)
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["strategies"]
    assert all(
        not isinstance(c.value, str) or c.data_type == "s" for row in sheet.iter_rows() for c in row
    )


def test_confidential_and_small_counts_in_exports(services: Services, tmp_path: Path):
    load_sample(services)
    secret = services.strategies.create(
        {
            "title": "Secret shelter",
            "partnership_type": "other",
            "focus": ["protection"],
            "confidential": True,
        }
    )
    out = tmp_path / "csv"
    ExportService(services.ctx).export(out, fmt="csv")
    text = (out / "strategies.csv").read_text(encoding="utf-8-sig")
    assert "Secret shelter" not in text
    assert "fewer than 11" in (out / "measurements.csv").read_text(encoding="utf-8-sig")
    assert "fewer than 11" in (out / "indicators.csv").read_text(encoding="utf-8-sig")
    ExportService(services.ctx).export(out, fmt="csv", include_confidential=True)
    assert "Secret shelter" in (out / "strategies.csv").read_text(encoding="utf-8-sig")
    bundle = tmp_path / "b.json"
    ExportService(services.ctx).export(bundle)
    assert str(secret.uid) not in bundle.read_text(encoding="utf-8")


def test_bundle_round_trip_is_identical(services: Services, tmp_path: Path):
    load_sample(services)
    first = services.strategies.list()[0]
    services.attachments.add(
        b"%PDF-1.4 \x00\xff", {"filename": "report.pdf"}, strategy_uid=first.uid
    )
    a = tmp_path / "a.json"
    ExportService(services.ctx).export(a, include_confidential=True, include_audit=True)
    fresh = Services.open(tmp_path / "empty.sqlite")
    try:
        import_bundle(fresh.ctx, a)
        b = tmp_path / "b.json"
        ExportService(fresh.ctx).export(b, include_confidential=True, include_audit=True)
        one, two = json.loads(a.read_text()), json.loads(b.read_text())
        one.pop("exported_at"), two.pop("exported_at")
        assert one == two
        assert a.read_bytes().replace(
            a.read_text().split('"exported_at": ')[1].split(",")[0].encode(), b""
        ) == b.read_bytes().replace(
            b.read_text().split('"exported_at": ')[1].split(",")[0].encode(), b""
        )
        [att] = [x for x in fresh.strategies.detail(first.uid).attachments]
        assert fresh.attachments.read(att.uid) == b"%PDF-1.4 \x00\xff"
        with pytest.raises(ValidationError, match="already in this database"):
            import_bundle(fresh.ctx, a)
    finally:
        fresh.close()


def test_a_shareable_bundle_leaves_out_small_person_counts(services, tmp_path):
    import json

    from evidencetracker.services.exporting import ExportService
    from evidencetracker.services.sample import load_sample

    load_sample(services)
    small = []
    for row in services.strategies.list():
        for od in services.strategies.detail(row.uid).outcomes:
            for ind in od.indicators:
                if ind.indicator.person_count:
                    small += [str(m.uid) for m in ind.measurements if m.value < 11]
    assert small
    shared = tmp_path / "shared.json"
    ExportService(services.ctx).export(shared)
    data = json.loads(shared.read_text(encoding="utf-8"))
    kept = {m["uid"] for m in data["tables"]["measurements"]}
    assert not kept & set(small) and data["small_cell_k"] == 11
    for ind in data["tables"]["indicators"]:
        if ind["person_count"]:
            for name in ("baseline_value", "target_value"):
                assert ind[name] is None or ind[name] >= 11
    full = tmp_path / "full.json"
    ExportService(services.ctx).export(full, include_confidential=True)
    everything = json.loads(full.read_text(encoding="utf-8"))
    assert set(small) <= {m["uid"] for m in everything["tables"]["measurements"]}
