"""The brief dialog: preview, save, and batch export with Cancel."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from evidencetracker.reports import strategy_brief
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.ui import brief_dialog
from evidencetracker.ui.brief_dialog import BatchExport, BriefDialog
from evidencetracker.ui.tasks import TaskRunner


def _uid(services: Services, prefix: str):  # noqa: ANN202
    return next(s.uid for s in services.strategies.list() if s.title.startswith(prefix))


def test_preview_loads_pages_and_save_writes_the_file(qtbot, services, tmp_path, monkeypatch):
    load_sample(services)
    tasks = TaskRunner()
    dialog = BriefDialog(services, tasks, "strategy", [_uid(services, "Mekong")])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.document.pageCount() > 0, timeout=10_000)
    assert dialog.status.text().startswith("Preview: ")
    qtbot.wait(800)  # QPdfView renders pages in the background; only for the screenshot
    dialog.grab().save(str(tmp_path / "brief-dialog.png"))

    dialog.sections["references"].setChecked(False)
    dialog.paper.setCurrentIndex(1)
    target = tmp_path / "mekong"
    monkeypatch.setattr(brief_dialog, "pick_save_path", lambda *a: target)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "mekong.pdf").exists(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Saved"), timeout=10_000)
    from tests.reports.conftest import reader, text_of

    saved = tmp_path / "mekong.pdf"
    assert round(reader(saved).pages[0].mediabox.width) == 612
    assert "References" not in text_of(saved)
    tasks.wait()


def test_confidential_strategy_preview_explains_the_option(qtbot, services):
    load_sample(services)
    tasks = TaskRunner()
    dialog = BriefDialog(services, tasks, "strategy", [_uid(services, "Gulf of Guinea")])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "is confidential" in dialog.status.text(), timeout=10_000)
    dialog.include_confidential.setChecked(True)
    dialog.refresh_preview()
    qtbot.waitUntil(lambda: dialog.document.pageCount() > 0, timeout=10_000)
    tasks.wait()


def test_portfolio_and_comparison_previews(qtbot, services):
    load_sample(services)
    tasks = TaskRunner()
    for kind, uids in (
        ("portfolio", []),
        ("comparison", [_uid(services, "Mekong"), _uid(services, "Danube")]),
    ):
        dialog = BriefDialog(services, tasks, kind, uids)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda d=dialog: d.document.pageCount() > 0, timeout=10_000)
    tasks.wait()


def test_batch_export_with_cancel_keeps_finished_files(
    qtbot, services, tmp_path: Path, monkeypatch
):
    load_sample(services)
    tasks = TaskRunner()
    uids = [s.uid for s in services.strategies.list() if not s.confidential]
    # Hold the second brief until the person has pressed Cancel, so the test is deterministic.
    gate, calls = threading.Event(), []
    real = strategy_brief.render_strategy_brief

    def gated(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) >= 2:
            gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(strategy_brief, "render_strategy_brief", gated)
    export = BatchExport(services, tasks, uids, tmp_path / "out")
    qtbot.addWidget(export.dialog)
    qtbot.waitUntil(lambda: len(export.steps) >= 1, timeout=10_000)
    export.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel button
    gate.set()
    with qtbot.waitSignal(export.finished, timeout=20_000) as done:
        pass
    steps = done.args[0]
    written = [s for s in steps if s.status == "written"]
    assert steps[-1].status == "cancelled"
    assert len(written) == 1 and len(steps) == 2
    assert sorted((tmp_path / "out").iterdir()) == sorted(s.path for s in written)
    tasks.wait()
