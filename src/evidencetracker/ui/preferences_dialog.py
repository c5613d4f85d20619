"""The Preferences dialog: author name for the audit trail, default currency, small-cell k."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.config import Preferences
from evidencetracker.ui.forms import ERROR_STYLE, HINT_STYLE


class PreferencesDialog(QDialog):
    """Edits a copy; ``apply_to(prefs)`` writes the accepted values back."""

    def __init__(self, prefs: Preferences, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.author = QLineEdit(prefs.author_name)
        self.author.setObjectName("pref_author")
        self.author.setPlaceholderText("Your name, as the history of changes shows it")
        self.currency = QLineEdit(prefs.default_currency)
        self.currency.setObjectName("pref_currency")
        self.currency.setMaxLength(3)
        self.k = QSpinBox()
        self.k.setObjectName("pref_k")
        self.k.setRange(2, 1000)
        self.k.setValue(prefs.small_cell_k)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        form = QFormLayout()
        for text, widget, hint in (
            ("&Author name:", self.author, "Recorded with every change you make."),
            ("Default &currency:", self.currency, "Three letters (ISO 4217), e.g. USD, EUR."),
            (
                "Small-cell &threshold k:",
                self.k,
                "Person counts below k show as “fewer than k” in shareable exports.",
            ),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", "").rstrip(":"))
            note = QLabel(hint)
            note.setStyleSheet(HINT_STYLE)
            note.setWordWrap(True)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(note)
            form.addRow(label, box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def accept(self) -> None:
        code = self.currency.text().strip().upper()
        if len(code) != 3 or not code.isalpha():
            self.error.setText("Default currency: use a three-letter code such as USD")
            self.error.show()
            self.currency.setFocus()
            return
        super().accept()

    def apply_to(self, prefs: Preferences) -> None:
        prefs.author_name = self.author.text().strip()
        prefs.default_currency = self.currency.text().strip().upper()
        prefs.small_cell_k = self.k.value()
