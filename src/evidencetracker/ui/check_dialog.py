"""Tools > Check database: the results of the full check, and Repair after a backup."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.services.integrity import CheckReport, IntegrityService, RepairReport
from evidencetracker.ui import dialogs
from evidencetracker.ui.tasks import TaskRunner


class CheckDialog(QDialog):
    """Runs the check when shown; Repair backs up, repairs, and shows what it did."""

    repaired = Signal(object)  # the RepairReport; screens refresh their data

    def __init__(
        self, integrity: IntegrityService, tasks: TaskRunner, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.integrity, self.tasks = integrity, tasks
        self.setWindowTitle("Check database")
        self.resize(640, 380)
        self.summary = QLabel("Checking the database…")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(44)
        self.results = QListWidget()
        self.results.setAccessibleName("Check results")
        self.results.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.repair_button = QPushButton("&Repair")
        self.repair_button.setToolTip("Takes a backup first, then repairs what can be repaired")
        self.repair_button.setEnabled(False)
        buttons.addButton(self.repair_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.repair_button.clicked.connect(self.on_repair_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.results)
        layout.addWidget(buttons)
        self.tasks.submit(self.integrity.check, self.on_checked, self.on_error)

    def on_checked(self, report: CheckReport) -> None:
        self.results.clear()
        if report.ok:
            self.summary.setText("The database passed every check.")
        else:
            fixable = len(report.repairable)
            self.summary.setText(
                f"{len(report.problems)} problem(s) found; {fixable} can be repaired. "
                "Repair takes a backup first."
            )
        for problem in report.problems:
            suffix = "" if problem.repairable else "  (cannot be repaired here)"
            self.results.addItem(problem.message + suffix)
        self.repair_button.setEnabled(bool(report.repairable))

    def on_repair_clicked(self) -> None:
        self.repair_button.setEnabled(False)
        self.summary.setText("Backing up, then repairing…")
        self.tasks.submit(self.integrity.repair, self.on_repaired, self.on_error)

    def on_repaired(self, result: RepairReport) -> None:
        self.results.clear()
        backup = f"\nA backup was taken first: {result.backup.path.name}." if result.backup else ""
        remaining = len(result.after.problems)
        state = (
            "The database now passes every check."
            if result.after.ok
            else (f"{remaining} problem(s) remain.")
        )
        self.summary.setText(f"Repaired {len(result.actions)} thing(s). {state}{backup}")
        for action in result.actions:
            self.results.addItem("Repaired: " + action)
        for problem in result.after.problems:
            self.results.addItem("Remaining: " + problem.message)
        self.repaired.emit(result)

    def on_error(self, exc: BaseException) -> None:
        self.summary.setText("The check could not finish.")
        dialogs.show_error(self, "Check database", str(exc))
