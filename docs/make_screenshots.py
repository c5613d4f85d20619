"""Regenerate the desktop screenshots in docs/screenshots/ (run: make screenshots).

Builds a temporary database with the illustrative sample, drives the real windows offscreen at
1280x800 and saves each screen as a PNG.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
OUT = HERE / "screenshots"
TMP = Path(tempfile.mkdtemp(prefix="et-screens-"))
os.environ["EVIDENCETRACKER_CONFIG_DIR"] = str(TMP / "config")  # never the user's settings
os.environ["EVIDENCETRACKER_DATA_DIR"] = str(TMP / "data")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from evidencetracker.config import Preferences  # noqa: E402
from evidencetracker.services.container import Services  # noqa: E402
from evidencetracker.services.sample import load_sample  # noqa: E402
from evidencetracker.ui.application import make_qapp  # noqa: E402
from evidencetracker.ui.main_window import MainWindow  # noqa: E402
from evidencetracker.ui.preferences_dialog import PreferencesDialog  # noqa: E402
from evidencetracker.ui.trash_dialog import TrashDialog  # noqa: E402
from evidencetracker.ui.welcome_dialog import WelcomeDialog  # noqa: E402

SIZE = (1280, 800)
FEATURED = "Mekong Ethical Recruitment Alliance"


def settle(window: MainWindow, ms: int = 150) -> None:
    """Let queued jobs finish and the screen repaint."""
    deadline = time.monotonic() + 20
    while window.tasks.pending() and time.monotonic() < deadline:
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
    window = MainWindow(services, prefs=Preferences(author_name="Ana Field"))
    window.resize(*SIZE)
    window.show()
    window.splitter.setSizes([470, 810])
    settle(window)

    row = next(i for i, r in enumerate(window.model.rows()) if r.title == FEATURED)
    window.table.selectRow(row)
    settle(window)
    # Something in History and Attachments to show: an edit and a small report file.
    summary = window.editor.overview.form.inputs["summary"]
    summary.setPlainText(summary.toPlainText() + " Recruiters sign a no-fees pledge.")
    window.editor.save()
    settle(window)
    report = TMP / "Mekong alliance - midline evaluation.txt"
    report.write_text("Midline evaluation (illustrative)\n" * 200, encoding="utf-8")
    window.editor.attachments.add_files([str(report)])
    settle(window)
    save(window, "main-window.png")

    editor = window.editor
    pages = [
        (editor.partners, "editor-partners.png"),
        (editor.outcomes, "editor-outcomes.png"),
        (editor.evidence, "editor-evidence.png"),
        (editor.attachments, "editor-attachments.png"),
        (editor.history, "editor-history.png"),
    ]
    for page, name in pages:
        editor.tabs.setCurrentWidget(page)
        if page is editor.outcomes:
            top = page.tree.topLevelItem(0)
            page.tree.setCurrentItem(top.child(0) if top.childCount() else top)
        settle(window)
        save(window, name)
    editor.tabs.setCurrentWidget(editor.overview)

    welcome = WelcomeDialog(str(TMP / "evidencetracker.sqlite"), window)
    welcome.show()
    settle(window)
    save(welcome, "welcome.png")
    welcome.close()

    other = next(r for r in window.model.rows() if r.title != FEATURED)
    services.strategies.trash(other.uid)
    services.outcomes.delete(services.strategies.detail(window.editor.uid).outcomes[-1].outcome.uid)
    settle(window)
    trash = TrashDialog(services, window.tasks, window)
    trash.show()
    settle(window)
    save(trash, "trash.png")
    trash.close()

    prefs = PreferencesDialog(Preferences(author_name="Ana Field", default_currency="EUR"), window)
    prefs.show()
    settle(window)
    save(prefs, "preferences.png")
    prefs.close()

    window.close()
    settle(window)
    services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
