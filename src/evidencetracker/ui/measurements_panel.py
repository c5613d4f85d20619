"""An indicator's measurements: a table per period, a row to add one, and the chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.errors import ServiceError
from evidencetracker.domain.records import IndicatorDetail
from evidencetracker.services.container import Services
from evidencetracker.ui.forms import ERROR_STYLE, format_value
from evidencetracker.ui.indicator_chart import IndicatorChart
from evidencetracker.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from evidencetracker.ui.strategy_editor import StrategyEditor

COLUMNS = ("Period", "Value", "Start", "End", "Disaggregation", "Notes")


class MeasurementsPanel(QGroupBox):
    def __init__(self, services: Services, tasks: TaskRunner, editor: StrategyEditor):
        super().__init__("Measurements")
        self.services, self.tasks, self.editor = services, tasks, editor
        self.indicator: IndicatorDetail | None = None

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Measurements")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(150)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete the selected measurement")
        self.delete_button.clicked.connect(self.delete_selected)

        self.period_edit = QLineEdit()
        self.period_edit.setObjectName("measurement_period")
        self.period_edit.setPlaceholderText("e.g. 2024-Q1")
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("measurement_value")
        self.value_edit.setPlaceholderText("number")
        self.add_button = QPushButton("&Add")
        self.add_button.setAccessibleName("Add the value")
        self.add_button.clicked.connect(self.add_measurement)
        self.value_edit.returnPressed.connect(self.add_measurement)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.chart = IndicatorChart()

        add_row = QHBoxLayout()
        for text, widget in (("Period:", self.period_edit), ("Value:", self.value_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.rstrip(":"))
            add_row.addWidget(label)
            add_row.addWidget(widget, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(self.chart)
        QWidget.setTabOrder(self.period_edit, self.value_edit)
        QWidget.setTabOrder(self.value_edit, self.add_button)

    def show_indicator(self, detail: IndicatorDetail) -> None:
        self.indicator = detail
        self.message.hide()
        rows = detail.measurements
        self.table.setRowCount(len(rows))
        for r, m in enumerate(rows):
            cells = (
                m.period,
                format_value(m.value),
                format_value(m.period_start),
                format_value(m.period_end),
                format_value(m.disaggregation),
                m.notes or "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, m.uid)
                if c == 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        ind = detail.indicator
        self.chart.set_data(
            [(m.period, m.value) for m in rows],
            ind.baseline_value,
            ind.target_value,
            ind.unit or "",
        )

    def add_measurement(self) -> None:
        if self.indicator is None:
            return
        uid = self.indicator.indicator.uid
        values = {"period": self.period_edit.text(), "value": self.value_edit.text()}
        self.add_button.setEnabled(False)
        self.tasks.submit(
            lambda: self.services.measurements.create(uid, values), self._on_added, self._on_error
        )

    def _on_added(self, record: Any) -> None:
        self.add_button.setEnabled(True)
        self.period_edit.clear()
        self.value_edit.clear()
        self.period_edit.setFocus()
        self.editor.status.emit(f"Added the value for {record.period}")
        self.editor.reload()

    def _on_error(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        if not isinstance(exc, ServiceError):
            raise exc
        self.message.setText(str(exc))
        self.message.show()

    def delete_selected(self) -> None:
        self.editor.delete_rows(self, self.table, self.services.measurements, "measurement")
