"""The QApplication and the desktop start-up sequence (first-run offer of the sample)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from evidencetracker import __version__
from evidencetracker.services.container import Services
from evidencetracker.services.sample import SAMPLE_LABEL, load_sample
from evidencetracker.ui import dialogs


def make_qapp() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("EvidenceTracker")
    app.setApplicationName("EvidenceTracker")
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def report_open_error(message: str) -> None:
    make_qapp()
    dialogs.show_error(None, "Cannot open the database", message)


def offer_sample(services: Services) -> bool:
    """On a new, empty database, offer the illustrative sample; True when it was loaded."""
    if services.strategies.count() or not dialogs.ask_yes_no(
        None,
        "Welcome to EvidenceTracker",
        "This is a new, empty database.\n\nLoad ten example strategies to explore the app? "
        f"They are marked \u201c{SAMPLE_LABEL}\u201d and can be deleted at any time.",
    ):
        return False
    load_sample(services)
    return True


def run(services: Services, first_run: bool, on_exit: Callable[[], None] = lambda: None) -> int:
    from evidencetracker.ui.main_window import MainWindow

    app = make_qapp()
    if first_run:
        offer_sample(services)
    window = MainWindow(services)
    window.show()
    code = app.exec()
    on_exit()
    return code
