"""File > Backups: the list of backups (date, size, counts), Back up now, and Restore."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from evidencetracker.services.backups import BackupInfo, BackupService
from evidencetracker.ui import dialogs
from evidencetracker.ui.tasks import TaskRunner

HEADERS = ("Taken", "Why", "Size", "Strategies", "Sources")


def _when(info: BackupInfo) -> str:
    return info.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")


class BackupDialog(QDialog):
    """Lists backups; restoring emits ``restored`` so the app can reopen the database."""

    restored = Signal(object)  # the safety BackupInfo taken before the restore

    def __init__(self, backups: BackupService, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.backups, self.tasks = backups, tasks
        self.rows: list[BackupInfo] = []
        self.setWindowTitle("Backups")
        self.resize(720, 420)

        self.intro = QLabel(
            f"Backups are checked before they are kept, in {backups.folder}. "
            "Restoring first backs up the current state, so it can be undone."
        )
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Backups")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.status = QLabel("Loading backups…")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.backup_button = QPushButton("&Back up now")
        self.restore_button = QPushButton("&Restore…")
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.backup_button.clicked.connect(self.on_backup_clicked)
        self.restore_button.clicked.connect(self.on_restore_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        self.tasks.submit(self.backups.list, self.on_listed, self.on_error)

    def on_listed(self, rows: list[BackupInfo]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, info in enumerate(rows):
            cells = (
                _when(info),
                info.label,
                f"{info.size / 1024:,.0f} KB",
                "?" if info.strategies is None else str(info.strategies),
                "?" if info.sources is None else str(info.sources),
            )
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.status.setText(f"{len(rows)} backups" if rows else "No backups yet.")
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)

    def on_backup_clicked(self) -> None:
        self._busy("Backing up…")
        self.tasks.submit(
            lambda: self.backups.backup_now("manual"), self.on_backed_up, self.on_error
        )

    def on_backed_up(self, info: BackupInfo) -> None:
        self.backup_button.setEnabled(True)
        self.refresh()
        self.status.setText(f"Backed up and verified: {info.path.name}")

    def on_restore_clicked(self) -> None:
        info = self.selected()
        if info is None or not dialogs.ask_yes_no(
            self,
            "Restore this backup?",
            f"Replace everything in the database by the backup from {_when(info)} "
            f"({info.strategies} strategies, {info.sources} sources)?\n\n"
            "The current state is backed up first, so this can be undone.",
        ):
            return
        self._busy("Restoring…")
        self.tasks.submit(lambda: self.backups.restore(info.path), self.on_restored, self.on_error)

    def on_restored(self, safety: BackupInfo) -> None:
        self.status.setText(f"Restored. The previous state was backed up to {safety.path.name}.")
        self.restored.emit(safety)
        self.accept()

    def on_error(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self._update_buttons()
        self.status.setText("")
        dialogs.show_error(self, "Backups", str(exc))
