"""Sync with the team database (and merge a bundle) with progress; the work runs off the UI thread.

The dialog is standalone: the main window opens it from File > Sync with team database and
connects ``synced`` to refresh its views and its open-conflict counter.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.services.container import Services
from evidencetracker.services.sync.service import SyncReport
from evidencetracker.ui import dialogs
from evidencetracker.ui.tasks import TaskRunner

HELP = (
    "Your changes go to the team database and everyone else's come back, in one step. "
    "If a field was changed both here and there, both values are kept as a conflict for "
    "you to decide; nothing is overwritten. If the sync is interrupted, nothing is half "
    "done: sync again to finish."
)


class SyncDialog(QDialog):
    progressed = Signal(str, int)  # emitted from the worker thread, delivered on the GUI thread
    synced = Signal(object)  # the SyncReport

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        remote: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Sync with team database")
        self.services, self.tasks = services, tasks
        self.report: SyncReport | None = None

        intro = QLabel(HELP)
        intro.setWordWrap(True)
        self.remote = QLineEdit(remote)
        self.remote.setPlaceholderText("postgresql+psycopg://user@server/evidence")
        self.remote.setAccessibleName("Team database address")
        form = QFormLayout()
        label = QLabel("Team &database:")
        label.setBuddy(self.remote)
        form.addRow(label, self.remote)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel("Not synced yet.")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Sync status")
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 4)
        self.sync_button = QPushButton("&Sync now")
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(self.start_sync)
        self.bundle_button = QPushButton("Merge a &bundle file…")
        self.bundle_button.clicked.connect(self.pick_bundle)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.sync_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.bundle_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.progressed.connect(self._on_progress)
        self.resize(560, self.sizeHint().height())

    def _busy(self, busy: bool) -> None:
        for w in (self.sync_button, self.bundle_button, self.remote):
            w.setEnabled(not busy)

    def start_sync(self) -> None:
        url = self.remote.text().strip()
        if not url:
            self.status.setText("Enter the address of the team database first.")
            return
        self._busy(True)
        self.progress.setValue(0)
        self.tasks.submit(
            lambda: self.services.sync.sync(url, self.progressed.emit), self._done, self._failed
        )

    def pick_bundle(self) -> None:
        path = dialogs.pick_open_file(self, "Merge a bundle", "Bundles (*.json)")
        if path:
            self.merge_bundle(path)

    def merge_bundle(self, path: str) -> None:
        self._busy(True)
        self.progress.setValue(0)
        self.status.setText("Merging the bundle…")
        self.tasks.submit(lambda: self.services.sync_bundles.merge(path), self._done, self._failed)

    def _on_progress(self, what: str, percent: int) -> None:
        self.progress.setValue(percent)
        self.status.setText(what + "…")

    def _done(self, report: SyncReport) -> None:
        self.report = report
        self._busy(False)
        self.progress.setValue(100)
        text = report.summary()
        if report.open_conflicts:
            text += " Open the Conflicts view to decide them."
        self.status.setText(text)
        self.synced.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.progress.setValue(0)
        self.status.setText(f"Nothing was changed: {exc}")
