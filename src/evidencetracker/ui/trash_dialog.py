"""The Trash: deleted strategies, outcomes and sources, to restore or delete for good."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.records import TrashItem
from evidencetracker.services.container import Services
from evidencetracker.ui import dialogs
from evidencetracker.ui.forms import HINT_STYLE
from evidencetracker.ui.tasks import TaskRunner


class TrashDialog(QDialog):
    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Trash")
        self.services, self.tasks = services, tasks
        self.items: list[TrashItem] = []
        intro = QLabel(
            "Deleted strategies, outcomes and evidence sources stay here until you delete them "
            "for good. Restore puts an item back where it was."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(HINT_STYLE)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Items in the Trash")
        self.tree.setHeaderLabels(["Item", "Kind", "In strategy", "Deleted"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 120)
        self.tree.setColumnWidth(2, 260)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton("&Delete for good…")
        self.purge_button.clicked.connect(self.purge_selected)
        self.empty_label = QLabel("The Trash is empty.")
        self.empty_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(900, 460)
        self.refresh()

    def refresh(self) -> None:
        self.tasks.submit(self.services.history.trash, self._show)

    def _show(self, items: list[TrashItem]) -> None:
        self.items = items
        self.tree.clear()
        for item in items:
            row = QTreeWidgetItem(
                [
                    item.title,
                    item.entity_type.capitalize(),
                    item.strategy_title,
                    item.deleted_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                ]
            )
            row.setToolTip(0, item.title)
            row.setData(0, Qt.ItemDataRole.UserRole, item)
            self.tree.addTopLevelItem(row)
        self.empty_label.setVisible(not items)
        self.restore_button.setEnabled(bool(items))
        self.purge_button.setEnabled(bool(items))
        if items:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def selected(self) -> list[TrashItem]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.tree.selectedItems()]

    def select_title(self, title: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            item.setSelected(item.text(0) == title)
        return any(i.text(0) == title for i in self.tree.selectedItems())

    def restore_selected(self) -> None:
        chosen = self.selected()
        self._run(lambda: [self.services.history.restore(i) for i in chosen])

    def purge_selected(self) -> None:
        chosen = self.selected()
        if not chosen or not dialogs.ask_yes_no(
            self,
            "Delete for good",
            f"Delete {len(chosen)} item(s) permanently? This cannot be undone.",
        ):
            return
        self._run(lambda: [self.services.history.purge(i) for i in chosen])

    def _run(self, job: Any) -> None:
        self.tasks.submit(job, lambda _: self.refresh(), self._on_error)

    def _on_error(self, exc: BaseException) -> None:
        dialogs.show_error(self, "Trash", str(exc))
        self.refresh()
