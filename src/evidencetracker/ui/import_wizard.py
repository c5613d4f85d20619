"""File > Import: a wizard from choosing a file, through the column mapping and a dry run, to
the all-or-nothing import with progress and Cancel.

Spreadsheets (CSV, XLSX) get the mapping page; citations (RIS, BibTeX) and JSON bundles go
straight to the dry run. Every step that reads the file or the database runs on the
TaskRunner's worker (see ``GeneratorTask``); the pages only show what comes back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from evidencetracker.services.container import Services
from evidencetracker.services.importing import ImportReport, ImportService
from evidencetracker.services.importing.citations import run_citations
from evidencetracker.services.importing.plan import Progress
from evidencetracker.ui.generator_task import GeneratorTask
from evidencetracker.ui.import_dry_run_page import DryRunPage, plain_label
from evidencetracker.ui.import_mapping_page import MappingPage
from evidencetracker.ui.tasks import TaskRunner

KINDS = {
    ".csv": ("spreadsheet", "CSV spreadsheet"),
    ".xlsx": ("spreadsheet", "Excel workbook (XLSX)"),
    ".xlsm": ("spreadsheet", "Excel workbook (XLSM)"),
    ".ris": ("citations", "RIS citations"),
    ".bib": ("citations", "BibTeX citations"),
    ".json": ("bundle", "EvidenceTracker JSON bundle"),
}
FILTERS = (
    "Importable files (*.csv *.xlsx *.xlsm *.ris *.bib *.json);;"
    "Spreadsheets (*.csv *.xlsx *.xlsm);;Citations (*.ris *.bib);;JSON bundle (*.json)"
)
FILE_PAGE, MAPPING_PAGE, DRY_RUN_PAGE, IMPORT_PAGE = range(4)


def pick_import_file(parent: QWidget | None) -> str:
    """Ask for the file to import (tests replace this function)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Import from", "", FILTERS)
    return path


def kind_of(path: Path) -> tuple[str, str] | None:
    """('spreadsheet' | 'citations' | 'bundle', a label), or None for other files."""
    return KINDS.get(path.suffix.lower())


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle("Choose a file to import")
        self.setSubTitle(
            "A spreadsheet (CSV or XLSX), citations from a reference manager (RIS or BibTeX: "
            "Zotero, EndNote, Mendeley) or an EvidenceTracker JSON bundle."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("File to import")
        self.choose = QPushButton("&Choose…")
        self.choose.setAccessibleName("Choose file to import")
        self.kind_label = plain_label()
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose)
        layout = QVBoxLayout(self)
        label = QLabel("&File:")
        label.setBuddy(self.path_edit)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.kind_label)
        layout.addStretch(1)
        self.choose.clicked.connect(self.on_choose)
        self.path_edit.textChanged.connect(self.on_path_changed)

    def on_choose(self) -> None:
        chosen = pick_import_file(self)
        if chosen:
            self.path_edit.setText(chosen)

    def _path(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text) if text else None

    def on_path_changed(self, _text: str = "") -> None:
        path = self._path()
        if path is None:
            self.kind_label.setText("")
        elif kind_of(path) is None:
            self.kind_label.setText(f"{path.name}: choose a .csv, .xlsx, .ris, .bib or .json file.")
        elif not path.is_file():
            self.kind_label.setText(f"{path} does not exist.")
        else:
            self.kind_label.setText(f"{path.name}: {kind_of(path)[1]}.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        path = self._path()
        return path is not None and kind_of(path) is not None and path.is_file()

    def validatePage(self) -> bool:  # noqa: N802
        path = self._path()
        if path != self.owner.path:
            self.owner.preset_name = None
        self.owner.path = path
        self.owner.kind = kind_of(path)[0]
        self.owner.converter, self.owner.mapping = None, None
        return True

    def nextId(self) -> int:  # noqa: N802
        path = self._path()
        kind = kind_of(path) if path else None
        return MAPPING_PAGE if kind and kind[0] == "spreadsheet" else DRY_RUN_PAGE


class ImportPage(QWizardPage):
    """The import itself (after a verified backup), then the summary of what was done."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle("Importing")
        self.task: GeneratorTask | None = None
        self.report: ImportReport | None = None
        self.finished = False
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.message = plain_label()
        self.cancel_button = QPushButton("C&ancel import")
        self.summary = plain_label()
        self.summary.setAccessibleName("Import summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.cancel_button.clicked.connect(self.cancel)
        self.setFinalPage(True)

    def initializePage(self) -> None:  # noqa: N802
        owner = self.owner
        services, path, kind = owner.services, owner.path, owner.kind
        converter, mapping, merge = owner.converter, owner.mapping, owner.merge
        self.finished, self.report = False, None
        self.setTitle("Importing")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(kind != "bundle")  # a bundle loads in one step
        self.summary.setText("")
        self.message.setText(f"Importing {path.name}…")

        def factory(cancelled: Callable[[], bool]) -> Any:
            if services.backups is not None:
                services.backups.before("import")  # a verified backup, or no import at all
            if cancelled():
                return ImportReport(path.name, False, cancelled=True)
            if kind == "spreadsheet":
                return ImportService(services.ctx).run(
                    path, converter=converter, mapping=mapping, cancel=cancelled
                )
            if kind == "citations":
                return run_citations(services.ctx, path, merge=merge, cancel=cancelled)
            from evidencetracker.services.exporting.bundle import import_bundle

            counts = import_bundle(services.ctx, path)
            return ImportReport(path.name, False, created=Counter(counts))

        self.task = GeneratorTask(
            owner.tasks, factory, self.on_progress, self.on_done, self.on_error, self
        )
        self.task.stopped.connect(owner.on_job_finished)

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText("Cancelling: nothing will be imported…")

    def on_progress(self, step: Progress) -> None:
        if step.total:
            self.progress.setRange(0, step.total)
            self.progress.setValue(min(step.done, step.total))
        if step.message and not (self.task and self.task.cancel_event.is_set()):
            self.message.setText(step.message)

    def on_done(self, report: ImportReport) -> None:
        self.report = report
        self._finish("Import cancelled" if report.cancelled else "Import finished")
        lines = [report.summary()]
        if not report.cancelled and report.rejected:
            lines.append(
                f"{len(report.rejected)} rejected rows were left out (listed on the previous page)."
            )
        if not report.cancelled and self.owner.services.backups is not None:
            lines.append("A verified backup was taken before the import (Tools > Backups).")
        self.summary.setText("\n".join(lines))
        if not report.cancelled:
            self.owner.imported.emit(report)

    def on_error(self, exc: BaseException) -> None:
        self._finish("Import failed")
        self.summary.setText(f"Nothing was imported: {exc}")

    def _finish(self, title: str) -> None:
        self.finished = True
        self.setTitle(title)
        self.progress.hide()
        self.message.setText("")
        self.cancel_button.setVisible(False)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.finished


class ImportWizard(QWizard):
    """Choose a file → map columns (spreadsheets) → dry run → import → summary."""

    imported = Signal(object)  # the ImportReport of a finished (not cancelled) import

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        path: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.services, self.tasks = services, tasks
        self.setWindowTitle("Import")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.resize(1000, 700)
        self.path: Path | None = None
        self.kind = ""
        self.preset_name: str | None = None
        self.converter: str | None = None
        self.mapping: dict[str, str] | None = None
        self.merge = False
        self._close_when_idle = False

        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.dry_run_page = DryRunPage(self)
        self.import_page = ImportPage(self)
        self.setPage(FILE_PAGE, self.file_page)
        self.setPage(MAPPING_PAGE, self.mapping_page)
        self.setPage(DRY_RUN_PAGE, self.dry_run_page)
        self.setPage(IMPORT_PAGE, self.import_page)
        self.setStartId(FILE_PAGE)
        if path:
            self.file_page.path_edit.setText(str(path))

    def busy(self) -> bool:
        return any(
            t is not None and t.running for t in (self.dry_run_page.task, self.import_page.task)
        )

    def reject(self) -> None:
        # Closing while a job runs cancels it; the wizard closes once the worker is idle, so
        # no callback reaches a deleted page and a cancelled import has written nothing.
        if self.busy():
            self._close_when_idle = True
            self.import_page.cancel()
            if self.dry_run_page.task is not None:
                self.dry_run_page.task.cancel()
            return
        super().reject()

    def on_job_finished(self) -> None:
        if self._close_when_idle and not self.busy():
            super().reject()
