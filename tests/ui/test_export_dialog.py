"""The export dialog: each format writes real files; confidential only when asked; Cancel."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.services.strategies import StrategyService
from evidencetracker.ui import export_dialog
from evidencetracker.ui.export_dialog import ExportDialog
from evidencetracker.ui.tasks import TaskRunner

CONFIDENTIAL = "Gulf of Guinea Financial Intelligence Pilot"


@pytest.fixture
def dialog(qtbot, services: Services):
    load_sample(services)
    services.strategies.create(
        {"title": '=HYPERLINK("http://x")', "partnership_type": "other", "focus": ["protection"]}
    )
    tasks = TaskRunner()
    widget = ExportDialog(services, tasks, small_cell_k=11)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    tasks.wait()


def _export(qtbot, dialog: ExportDialog) -> None:
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.tasks.pending() == 0, timeout=20_000)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))


def test_csv_folder_leaves_confidential_out_and_neutralises_formulas(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch
):
    folder = tmp_path / "csv-out"
    monkeypatch.setattr(export_dialog, "pick_export_folder", lambda parent: str(folder))
    dialog.set_format("csv")
    dialog.choose.click()
    assert dialog.destination.text() == str(folder)
    _export(qtbot, dialog)
    assert dialog.status.text() == f"Wrote 6 files into {folder}."
    assert dialog.files.item(0).text().startswith("strategies.csv  (")
    assert dialog.files.count() == 6
    titles = [r["title"] for r in _rows(folder / "strategies.csv")]
    assert "Mekong Ethical Recruitment Alliance" in titles
    assert CONFIDENTIAL not in titles
    assert '\'=HYPERLINK("http://x")' in titles  # a formula is written as text


def test_include_confidential_warns_and_includes(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch
):
    assert dialog.warning.isHidden()
    dialog.include_confidential.setChecked(True)
    assert not dialog.warning.isHidden()
    assert "Confidential records will be included" in dialog.warning.text()
    dialog.set_format("json")
    assert "bundle" in dialog.warning.text()
    target = tmp_path / "everything"
    monkeypatch.setattr(export_dialog, "pick_export_file", lambda parent, fmt: str(target))
    dialog.choose.click()
    assert dialog.destination.text() == str(tmp_path / "everything.json")
    _export(qtbot, dialog)
    assert "CONFIDENTIAL" in dialog.status.text()
    bundle = json.loads((tmp_path / "everything.json").read_text(encoding="utf-8"))
    assert bundle["include_confidential"] is True
    assert CONFIDENTIAL in [s["title"] for s in bundle["tables"]["strategies"]]


def test_xlsx_workbook_has_a_sheet_per_table(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(
        export_dialog, "pick_export_file", lambda parent, fmt: str(tmp_path / "book")
    )
    dialog.set_format("xlsx")
    dialog.choose.click()
    _export(qtbot, dialog)
    book = load_workbook(tmp_path / "book.xlsx", read_only=True)
    assert "strategies" in book.sheetnames and "findings" in book.sheetnames
    titles = [row[2] for row in book["strategies"].iter_rows(min_row=2, values_only=True)]
    assert "Danube Regional Referral Mechanism" in titles
    assert CONFIDENTIAL not in titles
    book.close()


def test_ris_holds_the_shareable_sources(
    qtbot, dialog: ExportDialog, services: Services, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(
        export_dialog, "pick_export_file", lambda parent, fmt: str(tmp_path / "refs.ris")
    )
    dialog.set_format("ris")
    assert not dialog.small_cell_k.isEnabled()  # citations hold no person counts
    dialog.choose.click()
    _export(qtbot, dialog)
    text = (tmp_path / "refs.ris").read_text(encoding="utf-8")
    shareable = [s for s in services.sources.list() if not s.confidential]
    assert text.count("TY  - ") == len(shareable)
    assert shareable[0].title in text


def test_small_cell_k_from_preferences_is_applied(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch
):
    assert dialog.small_cell_k.value() == 11
    dialog.small_cell_k.setValue(20)
    dialog.destination.setText(str(tmp_path / "k20"))
    _export(qtbot, dialog)
    values = [r["value"] for r in _rows(tmp_path / "k20" / "measurements.csv")]
    assert "fewer than 20" in values
    assert not any(v.startswith("fewer than 11") for v in values)


def test_cancel_writes_nothing(qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch):
    started, gate = threading.Event(), threading.Event()
    real = StrategyService.detail

    def held(self, uid):  # noqa: ANN001, ANN202
        started.set()
        gate.wait(10)  # hold the export until the person has pressed Cancel
        return real(self, uid)

    monkeypatch.setattr(StrategyService, "detail", held)
    folder = tmp_path / "cancelled"
    dialog.destination.setText(str(folder))
    dialog.export_button.click()
    qtbot.waitUntil(started.is_set)
    assert dialog.cancel_button.isEnabled() and not dialog.export_button.isEnabled()
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert dialog.status.text() == "Export cancelled: nothing was written."
    assert not folder.exists() or list(folder.iterdir()) == []
    assert dialog.export_button.isEnabled()
