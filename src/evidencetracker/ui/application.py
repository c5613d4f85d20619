"""The QApplication and the desktop start-up sequence: the main window is shown first, then the
database is opened (or recovered) on the worker and fills it; the first run offers the sample.

Showing the window before anything heavy is imported is what makes the app start quickly
(docs/performance.md): the services, SQLAlchemy and the editor are imported while the window
already says "Opening…".
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from evidencetracker import __version__
from evidencetracker.config import Preferences


def make_qapp() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("EvidenceTracker")
    app.setApplicationName("EvidenceTracker")
    app.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def run(target: str, prefs: Preferences, remember: bool) -> int:
    """Show the main window, open ``target`` into it, and run until the window closes.

    Returns the exit code: 1 when no database could be opened (or the person quit at the
    recovery dialog), else the event loop's.
    """
    from evidencetracker.ui.main_window import MainWindow

    app = make_qapp()
    window = MainWindow(prefs=prefs)
    window.show()
    window.opener.open(target, starting=True, remember=remember)
    code = app.exec()
    window.tasks.wait()
    if window.services is not None:
        window.services.close()
    return code
