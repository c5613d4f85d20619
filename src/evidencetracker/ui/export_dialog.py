"""File > Export: the whole database as CSV files, an XLSX workbook, RIS citations or a bundle.

The export runs on the TaskRunner's worker as the service's generator; progress comes back
through a bridge signal and Cancel sets a flag the generator checks. The service writes each
file atomically, so a cancelled or failed export leaves no partial file behind.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.services.container import Services
from evidencetracker.services.exporting import ExportCancelled, ExportService
from evidencetracker.ui.tasks import TaskRunner

# format code: (label, file suffix or "" for a folder, file-dialog filter)
FORMATS: dict[str, tuple[str, str, str]] = {
    "csv": ("CSV files (a folder, one file per table)", "", ""),
    "xlsx": ("Excel workbook (XLSX, a sheet per table)", ".xlsx", "Excel workbook (*.xlsx)"),
    "ris": ("RIS citations of the evidence sources", ".ris", "RIS citations (*.ris)"),
    "json": ("JSON bundle (re-importable)", ".json", "JSON bundle (*.json)"),
}
WARNINGS = {
    "csv": "Confidential records will be included. The files themselves carry no marking "
    "beyond each row's 'confidential' column: share them only with people allowed to see "
    "confidential records.",
    "xlsx": "Confidential records will be included. The workbook carries no marking beyond "
    "each row's 'confidential' column: share it only with people allowed to see "
    "confidential records.",
    "ris": "Confidential evidence sources will be included, and RIS has no way to mark them: "
    "share the file only with people allowed to see confidential records.",
    "json": "A complete copy: confidential records, notes and attachments, and exact person "
    "counts below k, will be included (the bundle records that it holds them): share it only "
    "with people allowed to see them.",
}


def pick_export_folder(parent: QWidget | None) -> str:
    """Ask for the folder the CSV files go into (tests replace this function)."""
    return QFileDialog.getExistingDirectory(parent, "Export CSV files into folder")


def pick_export_file(parent: QWidget | None, fmt: str) -> str:
    """Ask for the file to write (tests replace this function)."""
    label, suffix, filters = FORMATS[fmt]
    path, _ = QFileDialog.getSaveFileName(parent, "Export to", f"evidence{suffix}", filters)
    return path


class _Bridge(QObject):
    progress = Signal(object)


class ExportDialog(QDialog):
    """Options, destination, progress with Cancel, and the list of files written."""

    exported = Signal(list)  # the paths written

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        small_cell_k: int = 11,
    ):
        super().__init__(parent)
        self.services, self.tasks = services, tasks
        self.setWindowTitle("Export data")
        self.resize(640, 460)
        self.running = False
        self.written: list[Path] = []
        self._cancel = threading.Event()
        self._close_when_done = False
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self.on_progress, Qt.ConnectionType.QueuedConnection)

        self.format = QComboBox()
        for code, (label, _suffix, _filters) in FORMATS.items():
            self.format.addItem(label, code)
        self.destination = QLineEdit()
        self.destination.setAccessibleName("Destination")
        self.destination.setPlaceholderText("Choose where to write the export")
        self.choose = QPushButton("&Choose…")
        self.choose.setAccessibleName("Choose destination")
        self.include_confidential = QCheckBox("Include &confidential content")
        self.warning = QLabel("")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            "color: #7a1f00; background: #fff4e5; border: 1px solid #e0b070; padding: 6px;"
        )
        self.small_cell_k = QSpinBox()
        self.small_cell_k.setRange(1, 1000)
        self.small_cell_k.setValue(small_cell_k)
        self.small_cell_k.setMaximumWidth(90)
        self.small_cell_k.setAccessibleName("Smallest person count shown")
        self.small_cell_k.setToolTip("Person counts below k are written as 'fewer than k'")
        self.k_note = QLabel("")
        self.k_note.setWordWrap(True)
        self.k_note.setStyleSheet("color: #5a6570;")

        form = QFormLayout()
        format_label = QLabel("&Format:")
        format_label.setBuddy(self.format)
        form.addRow(format_label, self.format)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.destination, 1)
        dest_row.addWidget(self.choose)
        dest_label = QLabel("&Destination:")
        dest_label.setBuddy(self.destination)
        form.addRow(dest_label, dest_row)
        k_label = QLabel("Small-cell &k:")
        k_label.setBuddy(self.small_cell_k)
        form.addRow(k_label, self.small_cell_k)
        form.addRow("", self.k_note)
        form.addRow("", self.include_confidential)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.files = QListWidget()
        self.files.setAccessibleName("Files written")

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            "C&ancel export", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.files, 1)
        layout.addWidget(self.buttons)
        self.warning.setVisible(False)
        self.cancel_button.setEnabled(False)

        self.format.currentIndexChanged.connect(self.on_format_changed)
        self.choose.clicked.connect(self.on_choose)
        self.include_confidential.toggled.connect(self._update_warning)
        self.destination.textChanged.connect(self._update_buttons)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.on_format_changed()

    # -- options -------------------------------------------------------------------------------
    def fmt(self) -> str:
        return self.format.currentData()

    def set_format(self, fmt: str) -> None:
        self.format.setCurrentIndex(self.format.findData(fmt))

    def on_format_changed(self, *_: Any) -> None:
        fmt = self.fmt()
        tables = fmt in ("csv", "xlsx")
        self.small_cell_k.setEnabled(fmt != "ris")
        self.k_note.setText(
            "Person counts below k are written as 'fewer than k'."
            if tables
            else (
                "Person counts below k are left out of the bundle, unless confidential content "
                "is included (then it is a complete copy)."
                if fmt == "json"
                else "Citations hold no person counts."
            )
        )
        current = self.destination.text().strip()
        if current:
            # Keep the chosen place, with the name the new format needs.
            path = Path(current)
            suffix = FORMATS[fmt][1]
            if suffix:
                stem = path if not path.suffix else path.with_suffix("")
                self.destination.setText(str(stem.with_suffix(suffix)))
            elif path.suffix:
                self.destination.setText(str(path.with_suffix("")))
        self._update_warning()
        self._update_buttons()

    def on_choose(self) -> None:
        fmt = self.fmt()
        chosen = pick_export_folder(self) if fmt == "csv" else pick_export_file(self, fmt)
        if not chosen:
            return
        path = Path(chosen)
        suffix = FORMATS[fmt][1]
        if suffix and path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.destination.setText(str(path))

    def _update_warning(self, *_: Any) -> None:
        self.warning.setText(WARNINGS[self.fmt()])
        self.warning.setVisible(self.include_confidential.isChecked())

    def _update_buttons(self, *_: Any) -> None:
        self.export_button.setEnabled(not self.running and bool(self.destination.text().strip()))
        self.cancel_button.setEnabled(self.running)
        for widget in (self.format, self.destination, self.choose, self.include_confidential):
            widget.setEnabled(not self.running)
        self.small_cell_k.setEnabled(not self.running and self.fmt() in ("csv", "xlsx"))

    # -- exporting -----------------------------------------------------------------------------
    def start(self) -> None:
        text = self.destination.text().strip()
        if not text or self.running:
            return
        out, fmt = Path(text), self.fmt()
        if fmt == "csv" and out.exists() and not out.is_dir():
            self.status.setText(f"{out} is a file; CSV export needs a folder.")
            return
        if fmt != "csv" and out.is_dir():
            self.status.setText(f"{out} is a folder; choose a file name.")
            return
        self._cancel.clear()
        self.running = True
        self.written = []
        self.files.clear()
        self.progress.setRange(0, 0)  # busy until the service says how much there is
        self.status.setText("Exporting…")
        self._update_buttons()
        generator = ExportService(self.services.ctx).run(
            out,
            fmt=fmt,
            include_confidential=self.include_confidential.isChecked(),
            small_cell_k=self.small_cell_k.value(),
            cancel=self._cancel.is_set,
        )
        bridge = self._bridge

        def job() -> list[Path]:
            while True:
                try:
                    step = next(generator)
                except StopIteration as stop:
                    return stop.value
                bridge.progress.emit(step)

        self.tasks.submit(job, self.on_done, self.on_failed)

    def cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.status.setText("Cancelling…")

    def on_progress(self, step: Any) -> None:
        if not self.running:
            return
        if step.total:
            self.progress.setRange(0, step.total)
            self.progress.setValue(min(step.done, step.total))
        if step.message and not self._cancel.is_set():
            self.status.setText(step.message)

    def on_done(self, written: list[Path]) -> None:
        self._finish()
        self.written = list(written)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        for path in self.written:
            size = path.stat().st_size if path.exists() else 0
            self.files.addItem(f"{path.name}  ({_size(size)})")
        note = " Includes CONFIDENTIAL content." if self.include_confidential.isChecked() else ""
        n = len(self.written)
        where = self.written[0].parent if self.written else ""
        self.status.setText(f"Wrote {n} file{'' if n == 1 else 's'} into {where}.{note}")
        self.exported.emit(self.written)
        self._close_if_asked()

    def on_failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        if isinstance(exc, ExportCancelled):
            self.status.setText("Export cancelled: nothing was written.")
        else:
            self.status.setText(f"Export failed: {exc}")
        self._close_if_asked()

    def _finish(self) -> None:
        self.running = False
        self._update_buttons()

    def _close_if_asked(self) -> None:
        if self._close_when_done:
            super().reject()

    def reject(self) -> None:
        # Closing while exporting cancels first; the dialog closes once the worker has stopped,
        # so no callback ever reaches a deleted dialog.
        if self.running:
            self._close_when_done = True
            self.cancel()
            return
        super().reject()


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"
