"""Progress and cancellation for long jobs run by the TaskRunner, shown in a QProgressDialog."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside a job when the person pressed Cancel."""


class Progress(QObject):
    """Handed to a job: ``report`` from the worker, ``cancel`` from the GUI."""

    changed = Signal(int, int, str)  # done, total, message

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._cancel = threading.Event()

    def report(self, done: int, total: int, message: str = "") -> None:
        """Called on the worker: raises Cancelled once the person has cancelled."""
        if self._cancel.is_set():
            raise Cancelled()
        self.changed.emit(done, total, message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def progress_dialog(
    parent: QWidget | None, title: str, label: str, progress: Progress, cancellable: bool
) -> QProgressDialog:
    """A window-modal dialog that follows ``progress``; busy (no percentage) until it reports."""
    dialog = QProgressDialog(label, "Cancel" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.canceled.connect(progress.cancel)

    def on_changed(done: int, total: int, message: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if message:
            dialog.setLabelText(message)

    progress.changed.connect(on_changed)
    return dialog
