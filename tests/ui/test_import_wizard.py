"""The import wizard, driven as a person would: choose a file, map, dry run, import or cancel."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableWidget

from evidencetracker.config import config_dir
from evidencetracker.services import crud
from evidencetracker.services.container import Services
from evidencetracker.services.exporting import ExportService
from evidencetracker.services.sample import load_sample
from evidencetracker.ui import dialogs, import_wizard
from evidencetracker.ui.import_wizard import DRY_RUN_PAGE, IMPORT_PAGE, MAPPING_PAGE, ImportWizard
from evidencetracker.ui.tasks import TaskRunner
from tests.conftest import shared_data


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


STRATEGIES = [
    ["title", "partnership_type", "focus", "geography", "period_start", "Programme notes"],
    ["Harbour outreach", "other", "prevention", "GH", "2021-05-01", "Weekly visits"],
    ["Border shelters", "other", "protection", "TG", "2020-01-15", "Two shelters"],
    ["Bad date row", "other", "prevention", "GH", "03/04/2020", ""],
]


@pytest.fixture
def open_wizard(qtbot, services: Services, monkeypatch):
    made: list[ImportWizard] = []

    def start(path: Path, on: Services = services) -> ImportWizard:
        tasks = TaskRunner()
        wizard = ImportWizard(on, tasks)
        qtbot.addWidget(wizard)
        monkeypatch.setattr(import_wizard, "pick_import_file", lambda parent: str(path))
        wizard.show()
        wizard.file_page.choose.click()
        assert wizard.file_page.path_edit.text() == str(path)
        made.append(wizard)
        return wizard

    yield start
    for wizard in made:
        wizard.tasks.wait()


def _mapped(qtbot, wizard: ImportWizard) -> None:
    wizard.next()
    assert wizard.currentId() == MAPPING_PAGE
    page = wizard.mapping_page
    qtbot.waitUntil(lambda: page.proposal is not None or "cannot" in page.status.text())


def _dry_run(qtbot, wizard: ImportWizard) -> None:
    wizard.next()
    assert wizard.currentId() == DRY_RUN_PAGE
    page = wizard.dry_run_page
    qtbot.waitUntil(lambda: bool(page.report is not None or page.error) and not page.task.running)


def _import(qtbot, wizard: ImportWizard) -> None:
    wizard.next()
    assert wizard.currentId() == IMPORT_PAGE
    qtbot.waitUntil(lambda: wizard.import_page.finished, timeout=30_000)


def _table(widget: QTableWidget) -> list[list[str]]:
    return [
        [widget.item(r, c).text() for c in range(widget.columnCount()) if widget.item(r, c)]
        for r in range(widget.rowCount())
    ]


def test_csv_through_mapping_dry_run_and_import(qtbot, open_wizard, services, tmp_path):
    wizard = open_wizard(_write_csv(tmp_path / "programmes.csv", STRATEGIES))
    _mapped(qtbot, wizard)
    page = wizard.mapping_page
    assert page.proposal.converter == "strategies"
    assert page.mapping()["title"] == "title" and "description" not in page.mapping()
    page.set_field("Programme notes", "description")  # the column auto-match could not place
    assert page.mapping()["description"] == "Programme notes"

    _dry_run(qtbot, wizard)
    dry = wizard.dry_run_page
    assert services.strategies.count() == 0  # a dry run writes nothing
    assert _table(dry.counts) == [["strategy", "2", "0", "0"]]
    [rejected] = _table(dry.rejected)
    assert rejected[:2] == ["4", "period_start"] and "ambiguous" in rejected[2]
    assert wizard.button(wizard.WizardButton.CommitButton).text() == "&Import"

    with qtbot.waitSignal(wizard.imported) as blocker:
        _import(qtbot, wizard)
    assert blocker.args[0].created["strategy"] == 2
    assert wizard.import_page.title() == "Import finished"
    assert "Created: 2 strategy" in wizard.import_page.summary.text()
    by_title = {s.title: s for s in services.strategies.list()}
    assert sorted(by_title) == ["Border shelters", "Harbour outreach"]
    detail = services.strategies.detail(by_title["Harbour outreach"].uid).strategy
    assert detail.description == "Weekly visits"
    assert list(detail.geography) == ["GH"] and str(detail.period_start) == "2021-05-01"
    assert [b.reason for b in services.backups.list()] == ["before-import"]


def test_hostile_csv_is_shown_as_text_and_imported_verbatim(qtbot, open_wizard, services, tmp_path):
    rows = [
        ["title", "partnership_type", "focus", "<b>markup</b>"],
        ['<b>Bold</b> "quoted", title', "other", "prevention", '=HYPERLINK("http://evil")'],
        ["=1+2", "no-such-type", "prevention", "<script>x</script>"],
    ]
    wizard = open_wizard(_write_csv(tmp_path / "hostile.csv", rows))
    _mapped(qtbot, wizard)
    page = wizard.mapping_page
    shown = _table(page.table)
    assert shown[3][:2] == ["<b>markup</b>", '=HYPERLINK("http://evil")']
    assert shown[0][1] == '<b>Bold</b> "quoted", title'
    page.set_field("<b>markup</b>", "summary")

    _dry_run(qtbot, wizard)
    [rejected] = _table(wizard.dry_run_page.rejected)
    assert rejected[:2] == ["3", "partnership_type"]
    assert "no-such-type" in rejected[2]
    _import(qtbot, wizard)
    [strategy] = services.strategies.list()
    assert strategy.title == '<b>Bold</b> "quoted", title'
    assert services.strategies.get(strategy.uid).summary == '=HYPERLINK("http://evil")'


def test_cancel_during_import_leaves_the_database_unchanged(
    qtbot, open_wizard, services, tmp_path, monkeypatch
):
    load_sample(services)
    before = sorted(s.title for s in services.strategies.list())
    wizard = open_wizard(_write_csv(tmp_path / "programmes.csv", STRATEGIES))
    _mapped(qtbot, wizard)
    _dry_run(qtbot, wizard)

    started, gate, real = threading.Event(), threading.Event(), crud.create_many

    def held(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        row = real(*args, **kw)
        if not started.is_set():
            started.set()
            gate.wait(10)  # the first records are written; now the person presses Cancel
        return row

    monkeypatch.setattr(crud, "create_many", held)
    wizard.next()
    qtbot.waitUntil(started.is_set)
    wizard.import_page.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: wizard.import_page.finished)
    assert wizard.import_page.title() == "Import cancelled"
    assert "nothing was imported" in wizard.import_page.summary.text()
    assert sorted(s.title for s in services.strategies.list()) == before


def test_closing_during_the_dry_run_waits_for_it_then_closes(
    qtbot, open_wizard, services, tmp_path, monkeypatch
):
    started, gate, real = threading.Event(), threading.Event(), crud.create_many

    def held(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        started.set()
        gate.wait(10)
        return real(*args, **kw)

    monkeypatch.setattr(crud, "create_many", held)
    wizard = open_wizard(_write_csv(tmp_path / "programmes.csv", STRATEGIES))
    _mapped(qtbot, wizard)
    wizard.next()
    qtbot.waitUntil(started.is_set)
    wizard.reject()
    assert wizard.isVisible()  # the worker still holds the dry run: close once it stops
    gate.set()
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert services.strategies.count() == 0


def test_unreadable_file_says_why_and_cannot_go_on(qtbot, open_wizard, tmp_path):
    wizard = open_wizard(_write_csv(tmp_path / "empty.csv", []))
    _mapped(qtbot, wizard)
    assert "cannot be imported" in wizard.mapping_page.status.text()
    assert not wizard.mapping_page.isComplete()


def test_presets_load_and_save(qtbot, open_wizard, tmp_path, monkeypatch):
    wizard = open_wizard(_write_csv(tmp_path / "programmes.csv", STRATEGIES))
    _mapped(qtbot, wizard)
    page = wizard.mapping_page
    page.preset.setCurrentIndex(page.preset.findData("wwc"))
    page.preset.activated.emit(page.preset.currentIndex())
    qtbot.waitUntil(lambda: page.proposal is not None and page.proposal.converter == "wwc")
    assert page.converter.currentData() == "wwc"
    assert page.missing.text().startswith("Still needs a column")
    assert not page.isComplete()

    page.converter.setCurrentIndex(page.converter.findData("strategies"))
    page.converter.activated.emit(page.converter.currentIndex())
    qtbot.waitUntil(lambda: page.proposal is not None and page.proposal.converter == "strategies")
    page.set_field("Programme notes", "description")
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "my-programmes")
    page.save_button.click()
    assert page.preset.currentData() == "my-programmes"
    saved = (config_dir() / "presets" / "my-programmes.json").read_text(encoding="utf-8")
    assert '"description": "Programme notes"' in saved


END = "ER  - "  # RIS ends a record with a tag and an empty value
RIS = f"""TY  - JOUR
TI  - Shelter stays and re-trafficking
AU  - Doe, Jane
PY  - 2019
DO  - 10.1000/abc
{END}

TY  - JOUR
TI  - Shelter stays and re-trafficking (preprint)
AU  - Doe, Jane
PY  - 2019
DO  - https://doi.org/10.1000/ABC
{END}

TY  - RPRT
TI  - Hotline evaluation
AU  - Roe, Ann
PY  - 2021
AB  - What the hotline changed.
{END}
"""


def test_citations_with_duplicates_merged(qtbot, open_wizard, services, tmp_path):
    existing = services.sources.create(
        {
            "source_type": "evaluation_report",
            "title": "Hotline evaluation",
            "authors": "Roe, Ann",
            "year": 2021,
        }
    )
    path = tmp_path / "refs.ris"
    path.write_text(RIS, encoding="utf-8")
    wizard = open_wizard(path)
    assert wizard.file_page.nextId() == DRY_RUN_PAGE  # citations need no mapping
    _dry_run(qtbot, wizard)
    page = wizard.dry_run_page
    dups = _table(page.duplicates)
    assert [d[0] for d in dups] == ["2", "3"]
    assert dups[0][2] == "entry 1 of this file" and dups[0][3] == "same DOI"
    assert dups[1][2] == "a source already in this database"
    assert _table(page.counts) == [["evidence source", "3", "0", "0"]]  # kept apart

    page.merge.setChecked(True)
    qtbot.waitUntil(lambda: page.report is not None and not page.task.running)
    assert _table(page.counts) == [["evidence source", "1", "1", "0"]]
    _import(qtbot, wizard)
    sources = {s.title: s for s in services.sources.list()}
    assert sorted(sources) == ["Hotline evaluation", "Shelter stays and re-trafficking"]
    assert services.sources.get(existing.uid).abstract == "What the hotline changed."


def test_json_bundle_restores_into_an_empty_database(qtbot, open_wizard, services, tmp_path):
    other = Services.open(tmp_path / "other.sqlite", author="Tester")
    try:
        load_sample(other)
        bundle = tmp_path / "all.json"
        ExportService(other.ctx).export(bundle, fmt="json")
        titles = sorted(s.title for s in other.strategies.list() if not s.confidential)
    finally:
        other.close()
    wizard = open_wizard(bundle)
    _dry_run(qtbot, wizard)
    counts = dict((r[0], r[1]) for r in _table(wizard.dry_run_page.counts))
    assert counts["strategies"] == str(len(titles))
    _import(qtbot, wizard)
    assert sorted(s.title for s in services.strategies.list()) == titles


@pytest.mark.slow
def test_the_real_ris_file_imports_385_sources(qtbot, open_wizard, services):
    wizard = open_wizard(shared_data("retraction_lit_385.ris"))
    _dry_run(qtbot, wizard)
    assert _table(wizard.dry_run_page.counts) == [["evidence source", "385", "0", "0"]]
    assert wizard.dry_run_page.rejected.rowCount() == 0
    _import(qtbot, wizard)
    assert len(services.sources.list()) == 385
