"""Shown at start-up when the database is damaged: what happened, and the backup offered."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.services.recovery import Recovery


class RecoveryChoice(Enum):
    RESTORE = "restore"
    START_EMPTY = "start empty"
    QUIT = "quit"


class RecoveryDialog(QDialog):
    """Says plainly what happened; the person restores the backup, starts empty, or quits."""

    def __init__(self, recovery: Recovery, parent: QWidget | None = None):
        super().__init__(parent)
        self.recovery = recovery
        self.choice = RecoveryChoice.QUIT
        self.setWindowTitle("The database is damaged")
        self.setMinimumWidth(680)
        title = QLabel("<b>Your database could not be opened safely.</b>")
        self.message = QLabel(recovery.message)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("What happened")
        kept = QLabel(f"The damaged file is kept at:\n{recovery.damaged}")
        kept.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.restore_button = None
        if recovery.backup is not None:
            when = recovery.backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.restore_button = QPushButton(f"&Restore backup from {when}")
            self.restore_button.setDefault(True)
            buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
            self.restore_button.clicked.connect(lambda: self._choose(RecoveryChoice.RESTORE))
        self.empty_button = QPushButton("Start with an &empty database")
        self.quit_button = QPushButton("&Quit")
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.empty_button.clicked.connect(lambda: self._choose(RecoveryChoice.START_EMPTY))
        self.quit_button.clicked.connect(lambda: self._choose(RecoveryChoice.QUIT))
        layout = QVBoxLayout(self)
        # Word-wrapped labels only get their full height when the layout sets the minimum.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.setSpacing(12)
        for widget in (title, self.message, kept, buttons):
            layout.addWidget(widget)

    def _choose(self, choice: RecoveryChoice) -> None:
        self.choice = choice
        if choice is RecoveryChoice.QUIT:
            self.reject()
        else:
            self.accept()
