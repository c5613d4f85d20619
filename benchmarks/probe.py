"""Run in a fresh process by run.py: start a window and report when it is first painted.

    python benchmarks/probe.py bare          # a bare PySide6 QMainWindow (the floor)
    python benchmarks/probe.py app DB        # the real app (evidencetracker.app.main) on DB

Prints ``paint`` when the main window first receives a paint event, ``rows N`` once a table in
it shows rows (app only), then ``rss KB`` (the process's peak resident set, VmHWM) and exits.
The parent process times the lines as they arrive, from just before it started this process.
Only ``bare`` mode imports nothing but PySide6, so the floor pays for nothing of the app.
"""

from __future__ import annotations

import os
import sys
import time

ROWS_TIMEOUT = float(os.environ.get("ET_PROBE_ROWS_TIMEOUT", "60"))


def peak_rss_kb() -> int:
    """Peak resident set size of this process in KB, from /proc (ru_maxrss as a fallback)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> int:
    mode = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    state = {"painted": False, "started": time.monotonic()}

    def finish() -> None:
        say(f"rss {peak_rss_kb()}")
        app.closeAllWindows()
        app.quit()

    def rows_shown() -> int:
        for window in app.topLevelWidgets():
            if isinstance(window, QMainWindow) and window.isVisible():
                for view in window.findChildren(QAbstractItemView):
                    model = view.model()
                    if view.isVisible() and model is not None and model.rowCount() > 0:
                        return model.rowCount()
        return 0

    def poll_rows() -> None:
        n = rows_shown()
        if n:
            say(f"rows {n}")
            QTimer.singleShot(200, finish)  # let the first rows paint before reading the peak
        elif time.monotonic() - state["started"] > ROWS_TIMEOUT:
            say("rows-timeout")
            finish()
        else:
            QTimer.singleShot(10, poll_rows)

    class PaintSpy(QObject):
        def eventFilter(self, obj, event):  # noqa: N802, ANN001, ANN201 - Qt override
            if (
                not state["painted"]
                and event.type() == QEvent.Type.Paint
                and isinstance(obj, QMainWindow)
            ):
                state["painted"] = True
                say("paint")
                if mode == "bare":
                    QTimer.singleShot(0, finish)
                else:
                    QTimer.singleShot(0, poll_rows)
            return False

    spy = PaintSpy()
    app.installEventFilter(spy)
    if mode == "bare":
        window = QMainWindow()
        window.setWindowTitle("floor")
        window.resize(1280, 800)
        window.show()
        return app.exec()
    from evidencetracker.app import main as app_main

    return app_main(["--db", sys.argv[2]])


if __name__ == "__main__":
    raise SystemExit(main())
