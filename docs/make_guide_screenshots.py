"""Regenerate the user-guide screenshots (docs/screenshots/guide-*.png).

Builds a temporary database with the illustrative sample, opens the real main window offscreen
at 1280x800 and drives it through its actions (window.actions[ActionId.X].trigger()), the way a
new user would: filter the list, select rows, open the gap map, compare, search, preview a
brief, import, export, backups, check, conflicts. Each screen is saved as a PNG.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_guide_screenshots.py
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
OUT = HERE / "screenshots"
TMP = Path(tempfile.mkdtemp(prefix="et-guide-screens-"))
os.environ["EVIDENCETRACKER_CONFIG_DIR"] = str(TMP / "config")  # never the user's settings
os.environ["EVIDENCETRACKER_DATA_DIR"] = str(TMP / "data")

from PySide6.QtCore import QEventLoop, QItemSelectionModel, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from evidencetracker.config import Preferences  # noqa: E402
from evidencetracker.domain import enums as E  # noqa: E402
from evidencetracker.services.container import Services  # noqa: E402
from evidencetracker.services.sample import load_sample  # noqa: E402
from evidencetracker.ui.actions import ActionId as A  # noqa: E402
from evidencetracker.ui.application import make_qapp  # noqa: E402
from evidencetracker.ui.main_window import MainWindow  # noqa: E402

SIZE = (1280, 800)
FEATURED = "Mekong Ethical Recruitment Alliance"
COMPARED = (
    "Mekong Ethical Recruitment Alliance",
    "North Sea Fishing Fleet Joint Inspection Operation",
)


def settle(window: MainWindow, ms: int = 200) -> None:
    """Let queued background jobs finish and the screen repaint."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if window.tasks.pending() == 0:
            break
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    while window.tasks.pending() and time.monotonic() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def save(widget: QWidget, name: str) -> None:
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(HERE.parent)}")


def capture_modal(name: str, then: Callable[[QWidget], None]) -> None:
    """Before a modal dialog blocks: grab it as soon as it shows, then answer it with ``then``."""

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(100, poll)
            return
        QApplication.processEvents()
        save(modal, name)
        then(modal)

    QTimer.singleShot(300, poll)


def click_button(text: str) -> Callable[[QWidget], None]:
    from PySide6.QtWidgets import QAbstractButton

    def press(dialog: QWidget) -> None:
        for button in dialog.findChildren(QAbstractButton):
            if button.text().replace("&", "") == text:
                button.click()
                return
        dialog.close()

    return press


def row_of(window: MainWindow, title: str) -> int:
    return next(i for i, r in enumerate(window.model.rows()) if r.title == title)


def select_rows(window: MainWindow, titles: list[str]) -> None:
    selection = window.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    selection.clearSelection()
    for i, title in enumerate(titles):
        index = window.model.index(row_of(window, title), 0)
        mode = flags.Select | flags.Rows
        if i == 0:
            selection.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        else:
            selection.select(index, mode)


def write_import_csv(path: Path) -> None:
    rows = [
        ["Programme", "partnership_type", "Ps", "Country", "Start", "Budget", "Currency"],
        [
            "Harbour outreach to fishing crews",
            "ngo_coalition",
            "prevention,protection",
            "GH",
            "2021-05-01",
            "120000",
            "USD",
        ],
        ["Border shelter network", "multi_sector", "protection", "TG", "2020-01-15", "85000", ""],
        ["Recruiter licensing audit", "public_private", "prosecution", "BJ", "03/04/2020", "", ""],
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def main() -> int:
    make_qapp()
    OUT.mkdir(parents=True, exist_ok=True)
    services = Services.open(TMP / "evidencetracker.sqlite", author="Ana Field")
    load_sample(services)
    window = MainWindow(services, prefs=Preferences(author_name="Ana Field"))
    window.resize(*SIZE)
    window.show()
    window.splitter.setSizes([560, 720])
    settle(window)

    # -- the browser: the sample, one strategy open, then three rows selected ------------------
    window.table.selectRow(row_of(window, FEATURED))
    settle(window)
    save(window, "guide-main-window.png")

    window.actions[A.FILTER].trigger()
    QTest.keyClicks(window.browser.filter_edit, "recruit")
    window.browser.focus_combo.setCurrentIndex(
        window.browser.focus_combo.findData(E.Focus.PREVENTION)
    )
    settle(window, 500)
    save(window.browser, "guide-filter.png")
    window.browser.clear_filters()
    settle(window, 400)

    titles = [r.title for r in window.model.rows()]
    third = next(t for t in titles if t not in COMPARED)
    select_rows(window, [*COMPARED, third])
    settle(window)
    save(window, "guide-multi-select.png")

    # -- comparison -----------------------------------------------------------------------------
    window.actions[A.COMPARE].trigger()
    settle(window, 500)
    save(window.workspace.dialog, "guide-compare.png")
    window.workspace.dialog.close()
    settle(window)

    # -- the gap map dock, then a cell click -------------------------------------------------
    window.actions[A.GAP_MAP].trigger()
    settle(window, 500)
    save(window, "guide-gap-map-dock.png")
    canvas = window.workspace.gap_view.canvas
    gap = canvas.gap
    target = None
    for r, row in enumerate(gap.rows):
        for c, focus in enumerate(gap.columns):
            cell = gap.cell(row, focus)
            if cell.strategies >= 2 and target is None:
                target = (r, c)
    if target is not None:
        centre = canvas.cell_rect(*target).center()
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
        settle(window, 500)
        save(window, "guide-gap-map-cell.png")
        window.browser.subset_clear.click()
        settle(window)
    window.actions[A.GAP_MAP].trigger()  # hide it again
    settle(window)
    window.resize(*SIZE)  # the gap map made the window taller; it does not shrink back by itself
    settle(window)

    # -- search ------------------------------------------------------------------------------
    window.actions[A.FIND].trigger()
    QTest.keyClicks(window.workspace.search_panel.field, "recruitment fees")
    settle(window, 600)
    # Docked at the left of a 1280-pixel window the panel is very narrow (the list and the editor
    # keep their minimum widths), so it is shown floating, as the guide suggests.
    dock = window.workspace.search_dock
    dock.setFloating(True)
    dock.resize(460, 620)
    settle(window, 400)
    save(dock, "guide-search.png")
    dock.setFloating(False)
    dock.hide()
    settle(window)

    # -- editing: validation, the unsaved-changes prompt -------------------------------------
    window.table.selectRow(row_of(window, FEATURED))
    settle(window)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.overview)
    title = editor.overview.form.inputs["title"]
    title.setFocus()
    title.selectAll()
    QTest.keyClick(title, Qt.Key.Key_Backspace)  # as the person would: the form sees an edit
    window.actions[A.SAVE].trigger()
    settle(window, 400)
    save(window, "guide-validation.png")
    window.actions[A.REVERT].trigger()
    settle(window)

    summary = editor.overview.form.inputs["summary"]
    summary.setPlainText(summary.toPlainText() + " Edited.")
    settle(window)
    capture_modal("guide-unsaved-prompt.png", click_button("Discard"))
    window.table.selectRow(row_of(window, COMPARED[1]))
    settle(window, 400)

    window.table.selectRow(row_of(window, FEATURED))
    settle(window)

    # -- a conflict with another window --------------------------------------------------------
    # The person types; meanwhile another window saves the same strategy; then the person saves.
    summary = editor.overview.form.inputs["summary"]
    summary.setPlainText("My own summary, typed here.")
    settle(window)
    uid = editor.uid
    current = services.strategies.detail(uid).strategy
    services.strategies.update(uid, current.version, {"summary": "Changed in another window."})
    settle(window, 400)
    capture_modal("guide-edit-conflict.png", click_button("Keep theirs"))
    window.actions[A.SAVE].trigger()
    settle(window, 600)
    latest = services.strategies.detail(uid).strategy  # put the sample's summary back
    services.strategies.update(uid, latest.version, {"summary": current.summary})
    settle(window, 400)

    # -- brief preview --------------------------------------------------------------------------
    window.actions[A.EXPORT_BRIEF].trigger()
    brief = window.workspace.dialog
    deadline = time.monotonic() + 30
    while not brief.status.text().startswith("Preview") and time.monotonic() < deadline:
        settle(window, 200)
    settle(window, 800)
    save(window.workspace.dialog, "guide-brief-preview.png")
    window.workspace.dialog.close()
    settle(window)

    # -- import wizard -------------------------------------------------------------------------
    csv_path = TMP / "programmes.csv"
    write_import_csv(csv_path)
    window.actions[A.IMPORT].trigger()
    settle(window)
    wizard = window.workspace.dialog
    wizard.file_page.path_edit.setText(str(csv_path))
    wizard.next()
    settle(window, 500)
    mapping = wizard.mapping_page
    for header, field in (
        ("Programme", "title"),
        ("Ps", "focus"),
        ("Country", "geography"),
        ("Start", "period_start"),
        ("Budget", "cost_amount"),
    ):
        mapping.set_field(header, field)
    settle(window)
    save(wizard, "guide-import-mapping.png")
    wizard.next()
    settle(window, 1500)
    save(wizard, "guide-import-dry-run.png")
    wizard.reject()
    settle(window)

    # -- export ------------------------------------------------------------------------------
    window.actions[A.EXPORT_DATA].trigger()
    settle(window)
    dialog = window.workspace.dialog
    dialog.set_format("xlsx")
    dialog.destination.setText(str(TMP / "evidence.xlsx"))
    dialog.include_confidential.setChecked(True)
    settle(window)
    save(dialog, "guide-export.png")
    dialog.close()
    settle(window)

    # -- backups, check, conflicts ---------------------------------------------------------
    window.actions[A.BACKUPS].trigger()
    settle(window)
    dialog = window.workspace.dialog
    dialog.backup_button.click()
    settle(window, 500)
    save(dialog, "guide-backups.png")
    dialog.close()
    settle(window)

    window.actions[A.CHECK_DATABASE].trigger()
    settle(window, 500)
    save(window.workspace.dialog, "guide-check.png")
    window.workspace.dialog.close()
    settle(window)

    window.actions[A.SYNC].trigger()
    settle(window)
    save(window.workspace.dialog, "guide-sync.png")
    window.workspace.dialog.close()
    settle(window)

    window.close()
    settle(window)
    services.close()
    shutil.rmtree(TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
