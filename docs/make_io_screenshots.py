"""Regenerate the search, import and export screenshots in docs/screenshots/.

Builds a temporary database with the illustrative sample, writes a small CSV to import, drives
the real widgets offscreen at about 1000x700 and saves each screen as a PNG.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_io_screenshots.py
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
OUT = HERE / "screenshots"
TMP = Path(tempfile.mkdtemp(prefix="et-io-screens-"))
os.environ["EVIDENCETRACKER_CONFIG_DIR"] = str(TMP / "config")  # never the user's settings
os.environ["EVIDENCETRACKER_DATA_DIR"] = str(TMP / "data")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from evidencetracker.services.container import Services  # noqa: E402
from evidencetracker.services.sample import load_sample  # noqa: E402
from evidencetracker.ui.application import make_qapp  # noqa: E402
from evidencetracker.ui.export_dialog import ExportDialog  # noqa: E402
from evidencetracker.ui.import_wizard import ImportWizard  # noqa: E402
from evidencetracker.ui.search_panel import SearchPanel  # noqa: E402
from evidencetracker.ui.tasks import TaskRunner  # noqa: E402

SIZE = (1000, 700)
PROGRAMMES = [
    [
        "Programme",
        "partnership_type",
        "Ps",
        "Country",
        "Start",
        "End",
        "Budget",
        "Currency",
        "Notes",
    ],
    [
        "Harbour outreach to fishing crews",
        "ngo_coalition",
        "prevention,protection",
        "GH",
        "2021-05-01",
        "2023-04-30",
        "120000",
        "USD",
        "Weekly visits by former crew members",
    ],
    [
        "Border shelter network",
        "multi_sector",
        "protection",
        "TG",
        "2020-01-15",
        "",
        "85000",
        "USD",
        "Two shelters with legal aid",
    ],
    [
        "Recruiter licensing audit",
        "public_private",
        "prosecution",
        "BJ",
        "03/04/2020",
        "",
        "40000",
        "USD",
        "Start date typed day-first",
    ],
    [
        "Hotline pilot",
        "partnership of friends",
        "partnership",
        "NG",
        "2022-02-01",
        "",
        "15000",
        "USD",
        "",
    ],
]


def settle(tasks: TaskRunner, ms: int = 200, until: Callable[[], bool] | None = None) -> None:
    """Let queued jobs finish (and ``until`` hold), then let the screen repaint."""
    deadline = time.monotonic() + 30
    while (tasks.pending() or (until is not None and not until())) and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, name: str) -> None:
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(HERE.parent)}")


def main() -> int:
    make_qapp()
    OUT.mkdir(parents=True, exist_ok=True)
    services = Services.open(TMP / "sample.sqlite", author="Ana Field")
    load_sample(services)
    tasks = TaskRunner()

    panel = SearchPanel(services, tasks)
    panel.setWindowTitle("Search")
    panel.resize(*SIZE)
    panel.show()
    panel.field.setText("recruitment fee*")
    panel.refresh()
    settle(tasks)
    save(panel, "search-panel.png")
    panel.close()

    csv_path = TMP / "partner programmes.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(PROGRAMMES)
    wizard = ImportWizard(services, tasks, str(csv_path))
    wizard.resize(*SIZE)
    wizard.show()
    wizard.next()
    settle(tasks, until=lambda: wizard.mapping_page.proposal is not None)
    page = wizard.mapping_page
    for column, field in (
        ("Programme", "title"),
        ("Ps", "focus"),
        ("Country", "geography"),
        ("Start", "period_start"),
        ("End", "period_end"),
    ):
        page.set_field(column, field)
    page.set_field("Budget", "cost_amount")
    page.set_field("Currency", "cost_currency")
    page.set_field("Notes", "description")
    settle(tasks)
    save(wizard, "import-mapping.png")
    wizard.next()
    settle(tasks, until=lambda: wizard.dry_run_page.report is not None)
    save(wizard, "import-dry-run.png")
    wizard.close()

    dialog = ExportDialog(services, tasks, small_cell_k=11)
    dialog.resize(720, 520)
    dialog.show()
    dialog.set_format("csv")
    dialog.destination.setText(str(TMP / "Evidence export"))
    dialog.include_confidential.setChecked(True)
    dialog.start()
    settle(tasks, until=lambda: not dialog.running)
    save(dialog, "export-dialog.png")
    dialog.close()

    tasks.wait()
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
