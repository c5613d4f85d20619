"""Export a PDF brief with a preview, and export many strategies' briefs with progress.

The lead wires these into File > Export brief / comparison / portfolio. Rendering runs on the
TaskRunner's worker; the dialogs only show options, the preview and progress.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.privacy import DEFAULT_SMALL_CELL_K, Disclosure
from evidencetracker.reports.options import STRATEGY_SECTIONS, BriefOptions
from evidencetracker.services.briefs import write_pdf
from evidencetracker.services.container import Services
from evidencetracker.services.strategies import StrategyQuery
from evidencetracker.ui import dialogs
from evidencetracker.ui.tasks import TaskRunner


def pick_save_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Ask where to save a PDF (tests replace this function)."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save brief", suggested, "PDF (*.pdf)")
    return Path(name) if name else None


def pick_folder(parent: QWidget | None) -> Path | None:
    """Ask for the folder of a batch export (tests replace this function)."""
    name = QFileDialog.getExistingDirectory(parent, "Export briefs into folder")
    return Path(name) if name else None


class BriefDialog(QDialog):
    """Options, a preview and Save for one strategy, comparison or portfolio brief."""

    KINDS = {
        "strategy": "Strategy brief",
        "comparison": "Comparison brief",
        "portfolio": "Portfolio brief",
    }

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        kind: str = "strategy",
        uids: Sequence[Any] = (),
        query: StrategyQuery | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {', '.join(self.KINDS)}")
        self.services, self.tasks, self.kind = services, tasks, kind
        self.uids, self.query = list(uids), query or StrategyQuery()
        self.setWindowTitle(f"Export {self.KINDS[kind].lower()}")
        self.resize(980, 760)
        self._buffer: QBuffer | None = None
        self._request = 0

        self.paper = QComboBox()
        self.paper.addItem("A4", "a4")
        self.paper.addItem("US Letter", "letter")
        self.include_confidential = QCheckBox("Include &confidential content")
        self.include_confidential.setToolTip("Every page is then marked CONFIDENTIAL")
        self.small_cell_k = QSpinBox()
        self.small_cell_k.setRange(1, 1000)
        self.small_cell_k.setValue(DEFAULT_SMALL_CELL_K)
        self.small_cell_k.setAccessibleName("Smallest person count shown")
        form = QFormLayout()
        paper_label = QLabel("&Paper:")
        paper_label.setBuddy(self.paper)
        form.addRow(paper_label, self.paper)
        k_label = QLabel("Small-cell &k:")
        self.small_cell_k.setToolTip("Person counts below k print as 'fewer than k'")
        k_label.setBuddy(self.small_cell_k)
        form.addRow(k_label, self.small_cell_k)
        form.addRow(self.include_confidential)

        self.sections: dict[str, QCheckBox] = {}
        sections_box = QGroupBox("Sections")
        grid = QGridLayout(sections_box)
        for index, (key, title) in enumerate(STRATEGY_SECTIONS.items()):
            box = QCheckBox(title)
            box.setChecked(True)
            self.sections[key] = box
            grid.addWidget(box, index // 2, index % 2)
        sections_box.setVisible(kind == "strategy")

        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("Preview")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        # Values still in dispute between two copies may change once someone decides them.
        self.conflict_warning = QLabel("")
        self.conflict_warning.setWordWrap(True)
        self.conflict_warning.setStyleSheet("color: #8a4b00;")

        self.preview_button = QPushButton("&Update preview")
        self.preview_button.clicked.connect(self.refresh_preview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton("&Save…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.disconnect()
        self.save_button.clicked.connect(self.on_save)
        buttons.rejected.connect(self.reject)

        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(sections_box)
        side.addWidget(self.preview_button)
        side.addWidget(self.conflict_warning)
        side.addWidget(self.status)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(330)
        body = QHBoxLayout()
        body.addWidget(side_widget)
        body.addWidget(self.view, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.conflict_warning.hide()
        self.refresh_preview()
        self.tasks.submit(
            services.conflicts.strategies_with_open_conflicts,
            self._on_conflicts,
            lambda _exc: None,
        )

    def _on_conflicts(self, disputed: set) -> None:
        mine = {str(u) for u in self.uids}
        if self.kind == "portfolio":
            count = len(disputed)
        else:
            count = len(mine & {str(u) for u in disputed})
        if count:
            self.conflict_warning.setText(
                f"Warning: {count} strateg{'y' if count == 1 else 'ies'} in this brief "
                "have open merge conflicts (Tools > Conflicts); some values may still change."
            )
        self.conflict_warning.setVisible(bool(count))

    # -- what the person chose ---------------------------------------------------------------
    def options(self) -> BriefOptions:
        sections = frozenset(k for k, box in self.sections.items() if box.isChecked())
        return BriefOptions(paper=self.paper.currentData(), sections=sections)

    def disclosure(self) -> Disclosure:
        return Disclosure(self.include_confidential.isChecked(), self.small_cell_k.value())

    def _render_job(self):  # noqa: ANN202
        briefs, options, disclosure = self.services.briefs, self.options(), self.disclosure()
        if self.kind == "strategy":
            return lambda: briefs.render_strategy(self.uids[0], options, disclosure)
        if self.kind == "comparison":
            return lambda: briefs.render_comparison(self.uids, options, disclosure)
        return lambda: briefs.render_portfolio(self.query, options, disclosure)

    # -- preview and save --------------------------------------------------------------------
    def refresh_preview(self) -> None:
        self._request += 1
        request = self._request
        self.status.setText("Preparing the preview…")
        self.tasks.submit(
            self._render_job(),
            lambda data: self.on_preview(request, data),
            self.on_error,
        )

    def on_preview(self, request: int, data: bytes) -> None:
        if request != self._request:
            return  # an older preview, overtaken by a newer request
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        pages = self.document.pageCount()
        self.status.setText(f"Preview: {pages} page{'s' if pages != 1 else ''}.")

    def on_error(self, exc: BaseException) -> None:
        self.status.setText(str(exc))

    def on_save(self) -> None:
        path = pick_save_path(self, f"{self.KINDS[self.kind].lower().replace(' ', '-')}.pdf")
        if path is None:
            return
        render, path = self._render_job(), path.with_suffix(".pdf")
        self.status.setText(f"Saving {path.name}…")
        self.save_button.setEnabled(False)
        self.tasks.submit(lambda: write_pdf(path, render()), self.on_saved, self.on_save_failed)

    def on_saved(self, path: Path) -> None:
        self.save_button.setEnabled(True)
        self.saved_path = path
        self.status.setText(f"Saved {path}")

    def on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(str(exc))
        dialogs.show_error(self, "Brief not saved", str(exc))


class _Bridge(QObject):
    progress = Signal(object)


class BatchExport(QObject):
    """Export the briefs of many strategies into a folder, with a progress dialog and Cancel."""

    finished = Signal(list)  # the BatchProgress steps

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        uids: Sequence[Any],
        folder: Path,
        options: BriefOptions | None = None,
        disclosure: Disclosure | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.steps: list = []
        self._cancel = threading.Event()
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self.on_progress, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog("Exporting briefs…", "Cancel", 0, len(uids), parent)
        self.dialog.setWindowTitle("Export briefs")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.canceled.connect(self._cancel.set)
        generator = services.briefs.export_batch(
            list(uids), folder, options, disclosure, cancelled=self._cancel.is_set
        )

        def job() -> None:
            for step in generator:
                self._bridge.progress.emit(step)

        tasks.submit(job, self.on_done, self.on_done)

    def cancel(self) -> None:
        self._cancel.set()

    def on_progress(self, step: Any) -> None:
        self.steps.append(step)
        if not self.dialog.wasCanceled():
            self.dialog.setValue(step.done)
            self.dialog.setLabelText(f"{step.status.capitalize()}: {step.title or step.uid}")

    def on_done(self, _result: Any = None) -> None:
        self.dialog.reset()
        self.dialog.close()
        self.finished.emit(self.steps)
