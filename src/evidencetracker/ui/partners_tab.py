"""The Partners tab: organisations in their roles; new organisations are created inline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain import enums as E
from evidencetracker.domain.errors import ServiceError, ValidationError
from evidencetracker.domain.records import StrategyDetail
from evidencetracker.services.container import Services
from evidencetracker.ui.forms import ERROR_STYLE
from evidencetracker.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from evidencetracker.ui.strategy_editor import StrategyEditor


def _combo(enum: Any, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for member in enum:
        combo.addItem(member.label, member.value)
    return combo


class PartnersTab(QWidget):
    def __init__(self, services: Services, tasks: TaskRunner, editor: StrategyEditor):
        super().__init__()
        self.services, self.tasks, self.editor = services, tasks, editor
        self.detail: StrategyDetail | None = None
        self.known: dict[str, Any] = {}  # organisation name -> record, from completion

        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Partners")
        self.table.setHorizontalHeaderLabels(["Organisation", "Organisation type", "Role"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.remove_button = QPushButton("&Remove partner")
        self.remove_button.clicked.connect(self.remove_selected)

        self.org_edit = QLineEdit()
        self.org_edit.setObjectName("partner_organisation")
        self.org_edit.setPlaceholderText("Start typing: existing organisations are offered")
        self.completion = QStringListModel(self)
        completer = QCompleter(self.completion, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.org_edit.setCompleter(completer)
        self.org_edit.textEdited.connect(lambda _: self._complete_timer.start())
        completer.activated.connect(self._on_completed)
        self._complete_timer = QTimer(self, singleShot=True, interval=200)
        self._complete_timer.timeout.connect(self._complete)
        self.type_combo = _combo(E.OrganisationType, "Organisation type")
        self.role_combo = _combo(E.PartnerRole, "Role")
        # Long labels ("Business or business association") must not set the window's width.
        for combo in (self.type_combo, self.role_combo):
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.add_button = QPushButton("&Add partner")
        self.add_button.clicked.connect(self.add_partner)
        self.org_edit.returnPressed.connect(self.add_partner)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()

        box = QGroupBox("Add a partner")
        grid = QGridLayout(box)
        for col, (text, widget) in enumerate(
            (
                ("Organisation:", self.org_edit),
                ("Type (for a new organisation):", self.type_combo),
                ("Role:", self.role_combo),
            )
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, col)
            grid.addWidget(widget, 1, col)
        grid.addWidget(self.add_button, 1, 3)
        grid.addWidget(self.message, 2, 0, 1, 4)
        grid.setColumnStretch(0, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(box)
        QWidget.setTabOrder(self.org_edit, self.type_combo)
        QWidget.setTabOrder(self.type_combo, self.role_combo)
        QWidget.setTabOrder(self.role_combo, self.add_button)

    def show_strategy(self, detail: StrategyDetail) -> None:
        self.detail = detail
        self.table.setRowCount(len(detail.partners))
        for row, p in enumerate(detail.partners):
            org_type = p.organisation_type.label if p.organisation_type else ""
            for col, text in enumerate((p.organisation_name, org_type, p.role.label)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, p.uid)
                self.table.setItem(row, col, item)

    # -- completion --------------------------------------------------------------------------
    def _complete(self) -> None:
        prefix = self.org_edit.text().strip()
        if not prefix:
            return
        self.tasks.submit(
            lambda: self.services.organisations.list(prefix, limit=30), self._on_completion
        )

    def _on_completion(self, orgs: list[Any]) -> None:
        self.known.update({o.name: o for o in orgs})
        self.completion.setStringList([o.name for o in orgs])
        if self.org_edit.hasFocus() and orgs:
            self.org_edit.completer().complete()

    def _on_completed(self, name: str) -> None:
        org = self.known.get(name)
        if org is not None:
            self.type_combo.setCurrentIndex(self.type_combo.findData(org.org_type.value))

    # -- changes -----------------------------------------------------------------------------
    def add_partner(self) -> None:
        if self.detail is None:
            return
        name = self.org_edit.text().strip()
        role = self.role_combo.currentData()
        org_type = self.type_combo.currentData()
        uid = self.detail.strategy.uid
        self.message.hide()

        def job() -> Any:
            return self.services.partners.create(
                uid, {"role": role}, new_organisation={"name": name, "org_type": org_type}
            )

        self.add_button.setEnabled(False)
        self.tasks.submit(job, self._on_added, self._on_error)

    def _on_added(self, record: Any) -> None:
        self.add_button.setEnabled(True)
        self.org_edit.clear()
        self.editor.status.emit(f"Added {record.organisation_name} as {record.role.label}")
        self.editor.reload()

    def _on_error(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        if not isinstance(exc, ServiceError):
            raise exc
        text = str(exc)
        if isinstance(exc, ValidationError) and exc.for_field("name"):
            text = "Organisation: " + (exc.for_field("name") or "")
        self.message.setText(text)
        self.message.show()
        self.org_edit.setFocus()

    def remove_selected(self) -> None:
        self.editor.delete_rows(self, self.table, self.services.partners, "partner")
