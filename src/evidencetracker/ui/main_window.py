"""The main window: lays out and wires the strategy browser; the work happens in services."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.services.container import Services
from evidencetracker.services.sample import SAMPLE_LABEL
from evidencetracker.ui.strategy_table_model import StrategyTableModel
from evidencetracker.ui.tasks import TaskRunner


class MainWindow(QMainWindow):
    def __init__(self, services: Services, tasks: TaskRunner | None = None):
        super().__init__()
        self.services = services
        self.tasks = tasks or TaskRunner(self)
        self.setWindowTitle(f"EvidenceTracker — {services.db.display_name}")
        self.resize(1280, 800)

        self.model = StrategyTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Strategies")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.sample_notice = QLabel(SAMPLE_LABEL)
        self.sample_notice.setStyleSheet("color: #7a4b00; padding: 4px;")
        self.sample_notice.setVisible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.sample_notice)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Loading strategies…")
        self.refresh()

    def refresh(self) -> None:
        """Reload the list off the UI thread."""
        self.tasks.submit(self.services.strategies.list, self.on_strategies_loaded, self.on_error)

    def on_strategies_loaded(self, rows: list) -> None:
        self.model.set_rows(rows)
        self.sample_notice.setVisible(any(r.is_sample for r in rows))
        self.statusBar().showMessage(f"{len(rows)} strategies")

    def on_error(self, exc: BaseException) -> None:
        self.statusBar().showMessage(f"Error: {exc}")

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001
        self.tasks.wait(5000)
        event.accept()
