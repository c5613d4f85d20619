"""The first-run welcome: explore the illustrative sample, or start with an empty database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from evidencetracker.domain.schema import NO_PERSONAL_DATA_HINT
from evidencetracker.services.sample import SAMPLE_LABEL
from evidencetracker.ui.forms import HINT_STYLE


class WelcomeDialog(QDialog):
    """``choice`` is 'sample' or 'empty' once closed."""

    def __init__(self, database_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Welcome to EvidenceTracker")
        self.choice = "empty"
        title = QLabel("<h2>Welcome to EvidenceTracker</h2>")
        body = QLabel(
            "<p>Document which anti-trafficking partnership strategies work: the strategies, "
            "the outcomes they aim at, the indicators you measure, and the evaluation evidence "
            "behind them. The app rates the strength of that evidence with a transparent "
            "rubric.</p>"
            f"<p>Your database: <b>{database_name}</b>. Everything stays on this computer "
            "unless you export it.</p>"
            "<p>Would you like to start with ten example strategies to explore? They are "
            f"marked <i>“{SAMPLE_LABEL}”</i> and can be deleted at any time.</p>"
        )
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        privacy = QLabel("Privacy: " + NO_PERSONAL_DATA_HINT)
        privacy.setWordWrap(True)
        privacy.setStyleSheet(HINT_STYLE)
        self.sample_button = QPushButton("Explore the &sample")
        self.sample_button.setDefault(True)
        self.sample_button.clicked.connect(lambda: self._choose("sample"))
        self.empty_button = QPushButton("Start &empty")
        self.empty_button.clicked.connect(lambda: self._choose("empty"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(self.sample_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(body)
        layout.addWidget(privacy)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()
