"""The dialog in which a reviewer overrides an outcome's computed rating, with a justification."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.enums import Certainty, RatingLevel
from evidencetracker.domain.rating_records import OutcomeRatingView, rating_text

JUSTIFICATION_REQUIRED = "Write why the computed rating is overridden: a justification is required."


class OverrideDialog(QDialog):
    """Choose a level and certainty and justify them; OK is refused while the justification is
    blank. The chosen values are read from ``values()`` after ``accepted``."""

    def __init__(self, outcome: OutcomeRatingView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Override rating")
        self.setMinimumWidth(520)
        self.outcome = outcome

        intro = QLabel(
            f"<b>{_escape(outcome.title)}</b><br>Computed by the rubric: "
            f"{_escape(rating_text(outcome.level, outcome.certainty))}.<br>Both ratings are kept;"
            " the override is recorded with your name and the time."
        )
        intro.setWordWrap(True)

        self.level = QComboBox()
        for level in RatingLevel:
            if level is not RatingLevel.NOT_RATED:
                self.level.addItem(level.label, level)
        current = outcome.effective_level
        index = self.level.findData(current)
        self.level.setCurrentIndex(max(index, 0))

        self.certainty = QComboBox()
        self.certainty.addItem("(none)", None)
        for certainty in Certainty:
            self.certainty.addItem(certainty.label, certainty)
        self.certainty.setCurrentIndex(max(self.certainty.findData(outcome.effective_certainty), 0))

        self.justification = QPlainTextEdit()
        self.justification.setPlaceholderText(
            "Why does the evidence deserve a different rating? (required)"
        )
        self.justification.setTabChangesFocus(True)

        self.error = QLabel("")
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        form = QFormLayout()
        for text, widget in (
            ("&Level:", self.level),
            ("&Certainty:", self.certainty),
            ("&Justification:", self.justification),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Override")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if not self.justification.toPlainText().strip():
            self.error.setText(JUSTIFICATION_REQUIRED)
            self.error.setVisible(True)
            self.justification.setFocus()
            return
        super().accept()

    def values(self) -> tuple[RatingLevel, Certainty | None, str]:
        return (
            self.level.currentData(),
            self.certainty.currentData(),
            self.justification.toPlainText().strip(),
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
