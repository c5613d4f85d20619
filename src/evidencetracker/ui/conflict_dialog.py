"""Shown when a save meets a newer version: both values per field, and the person chooses."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain import schema
from evidencetracker.domain.errors import ConflictError
from evidencetracker.ui.forms import format_value

_LABELS = {
    f.name: f.label
    for fields in (
        schema.STRATEGY,
        schema.OUTCOME,
        schema.INDICATOR,
        schema.EVIDENCE_SOURCE,
        schema.MEASUREMENT,
        schema.FINDING,
    )
    for f in fields
}


class ConflictDialog(QDialog):
    """``choice`` is 'theirs', 'mine' or None (cancel: keep editing, nothing saved)."""

    def __init__(self, error: ConflictError, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Changed elsewhere")
        self.choice: str | None = None
        intro = QLabel(
            f"This {error.entity} was changed in another window or by another person "
            f"(it is now at version {error.actual_version}; you started from version "
            f"{error.expected_version}). Nothing has been saved yet.\n\n"
            "Keep their version (your changes are discarded), or save yours on top of theirs."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(error.conflicts), 3)
        self.table.setAccessibleName("Fields in conflict")
        self.table.setHorizontalHeaderLabels(["Field", "Yours", "Theirs (saved)"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, c in enumerate(error.conflicts):
            for col, text in enumerate(
                (_LABELS.get(c.field, c.field), format_value(c.yours), format_value(c.theirs))
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if not error.conflicts:
            self.table.hide()

        self.theirs_button = QPushButton("Keep &theirs")
        self.mine_button = QPushButton("Save &mine on top")
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.theirs_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.mine_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.theirs_button.clicked.connect(lambda: self._choose("theirs"))
        self.mine_button.clicked.connect(lambda: self._choose("mine"))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 320)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
