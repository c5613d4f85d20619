"""The import wizard's dry-run page: what would be created or updated, every rejected row, and
for citations the possible duplicates with the choice to keep them apart or merge them.

The dry run is the real import inside a transaction that is rolled back, so the counts are
exactly what the import will do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from evidencetracker.services.importing import ImportReport, ImportService
from evidencetracker.services.importing.citations import run_citations
from evidencetracker.services.importing.plan import Progress
from evidencetracker.ui.generator_task import GeneratorTask

if TYPE_CHECKING:
    from evidencetracker.ui.import_wizard import ImportWizard


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets markup: file names and values are the user's data."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def table(headers: list[str], name: str) -> QTableWidget:
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.setAccessibleName(name)
    widget.verticalHeader().setVisible(False)
    widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    widget.setWordWrap(False)
    widget.horizontalHeader().setStretchLastSection(True)
    return widget


def fill(widget: QTableWidget, rows: list[list[Any]]) -> None:
    widget.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem()
            if isinstance(value, int):
                item.setData(Qt.ItemDataRole.DisplayRole, value)
            else:
                text = str(value)
                item.setText(" ".join(text.split()) if "\n" in text else text)
                item.setToolTip(text)
            widget.setItem(r, c, item)


def bundle_preview(path: Any) -> ImportReport:
    """What a bundle holds, table by table (bundles have no dry run: they load whole)."""
    from collections import Counter

    from evidencetracker.services.exporting.bundle import load_bundle

    bundle = load_bundle(path)
    counts = Counter({n: len(rows) for n, rows in bundle["tables"].items() if rows})
    return ImportReport(path.name, True, created=counts)


class DryRunPage(QWizardPage):
    """Runs the dry run when shown; the next button ('Import') does it for real."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle("Check before importing")
        self.setSubTitle("Nothing has been written yet. This is what the import would do.")
        self.setCommitPage(True)
        self.task: GeneratorTask | None = None
        self.report: ImportReport | None = None
        self.error = ""

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Dry run progress")
        self.summary = plain_label()
        self.summary.setAccessibleName("Dry run summary")
        self.counts = table(["Records", "Create", "Update", "Unchanged"], "What would change")
        self.counts.setMaximumHeight(100)
        self.counts.horizontalHeader().setStretchLastSection(False)
        for column, width in enumerate((220, 100, 100, 100)):
            self.counts.setColumnWidth(column, width)
        self.rejected = table(["Row", "Column", "Reason"], "Rejected rows")
        self.rejected_box = QGroupBox("Rejected rows (left out of the import)")
        box = QVBoxLayout(self.rejected_box)
        box.addWidget(self.rejected)
        self.duplicates = table(["Entry", "Title", "Looks like", "Because of"], "Duplicates")
        self.keep_apart = QRadioButton("&Keep apart: add every entry as a new source")
        self.merge = QRadioButton(
            "&Merge: fill the empty fields of the existing source; a repeat within the file "
            "is added once"
        )
        self.keep_apart.setChecked(True)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.keep_apart)
        self.choice.addButton(self.merge)
        self.duplicates_box = QGroupBox("Possible duplicates")
        dup = QVBoxLayout(self.duplicates_box)
        dup.addWidget(self.duplicates)
        dup.addWidget(self.keep_apart)
        dup.addWidget(self.merge)
        self.notes = plain_label()

        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(self.rejected_box)
        lists.addWidget(self.duplicates_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.counts)
        layout.addWidget(lists, 1)
        layout.addWidget(self.notes)
        self.merge.toggled.connect(self.on_merge_toggled)

    # -- running -------------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        self.run()

    def cleanupPage(self) -> None:  # noqa: N802
        if self.task is not None:
            self.task.drop()  # going Back: this dry run no longer matters

    def run(self) -> None:
        owner = self.owner
        if self.task is not None:
            self.task.drop()
        services, path, kind = owner.services, owner.path, owner.kind
        converter, mapping = owner.converter, owner.mapping
        owner.merge = merge = self.merge.isChecked()
        self.report, self.error = None, ""
        self.progress.setRange(0, 0)
        self.progress.show()
        self.summary.setText(f"Checking {path.name}…")
        self.rejected_box.setVisible(kind != "bundle")
        self.duplicates_box.setVisible(kind == "citations")
        self.completeChanged.emit()

        def factory(cancelled: Callable[[], bool]) -> Any:
            if kind == "spreadsheet":
                return ImportService(services.ctx).run(
                    path, converter=converter, mapping=mapping, dry_run=True, cancel=cancelled
                )
            if kind == "citations":
                return run_citations(
                    services.ctx, path, merge=merge, dry_run=True, cancel=cancelled
                )
            return bundle_preview(path)

        self.task = GeneratorTask(
            owner.tasks, factory, self.on_progress, self.on_done, self.on_error, self
        )
        self.task.stopped.connect(owner.on_job_finished)

    def on_merge_toggled(self, _checked: bool) -> None:
        if self.owner.currentPage() is self:
            self.run()  # the counts follow the choice

    def on_progress(self, step: Progress) -> None:
        if step.total:
            self.progress.setRange(0, step.total)
            self.progress.setValue(min(step.done, step.total))

    def on_done(self, report: ImportReport) -> None:
        self.report = report
        self.progress.hide()
        bundle = self.owner.kind == "bundle"
        self.counts.setHorizontalHeaderLabels(
            ["Table", "Records", "", ""] if bundle else ["Records", "Create", "Update", "Unchanged"]
        )
        kinds = sorted(set(report.created) | set(report.updated) | set(report.unchanged))
        fill(
            self.counts,
            [
                [k, report.created.get(k, 0)]
                + (["", ""] if bundle else [report.updated.get(k, 0), report.unchanged.get(k, 0)])
                for k in kinds
            ],
        )
        fill(self.rejected, [[r.row, r.column, r.reason] for r in report.rejected])
        self.rejected_box.setTitle(
            f"Rejected rows (left out of the import): {len(report.rejected)}"
        )
        self.rejected_box.setVisible(not bundle)
        fill(
            self.duplicates,
            [
                [
                    d.entry,
                    d.title,
                    "a source already in this database"
                    if d.existing_uid is not None
                    else f"entry {d.other_entry} of this file",
                    d.reason,
                ]
                for d in report.duplicates
            ],
        )
        self.duplicates_box.setVisible(self.owner.kind == "citations")
        self.duplicates_box.setTitle(f"Possible duplicates: {len(report.duplicates)}")
        for widget in (self.rejected, self.duplicates):
            # Narrow columns fit their contents; the last (the reason) wraps in what is left.
            last = widget.columnCount() - 1
            for column in range(last):
                widget.resizeColumnToContents(column)
                widget.setColumnWidth(column, min(widget.columnWidth(column), 320))
            widget.horizontalHeader().setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
            widget.setWordWrap(True)
            widget.resizeRowsToContents()
        self.summary.setText(self._summary(report))
        notes = list(report.warnings)
        if report.skipped:
            notes.append(f"{len(report.skipped)} rows skipped: " + _skipped(report.skipped))
        self.notes.setText("\n".join(notes[:12]))
        self.completeChanged.emit()

    def _summary(self, report: ImportReport) -> str:
        if self.owner.kind == "bundle":
            return (
                f"{report.source} holds the records below. A bundle loads whole, in one step; "
                "if any record is already in this database, nothing is imported."
            )
        text = report.summary()
        if report.encoding:
            text += f" ({report.rows} rows read, {report.encoding})"
        if not self._something_to_do():
            text += "\nThere is nothing to import."
        return text

    def on_error(self, exc: BaseException) -> None:
        self.report, self.error = None, str(exc)
        self.progress.hide()
        fill(self.counts, [])
        fill(self.rejected, [])
        fill(self.duplicates, [])
        self.summary.setText(f"This file cannot be imported: {exc}")
        self.completeChanged.emit()

    def _something_to_do(self) -> bool:
        r = self.report
        return r is not None and bool(sum(r.created.values()) + sum(r.updated.values()))

    def isComplete(self) -> bool:  # noqa: N802
        return self._something_to_do() and not (self.task is not None and self.task.running)


def _skipped(skipped: list[tuple[int, str]]) -> str:
    shown = "; ".join(f"row {row}: {why}" for row, why in skipped[:5])
    return shown + ("; …" if len(skipped) > 5 else "")
