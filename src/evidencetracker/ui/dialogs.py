"""Small wrappers around modal dialogs, so that tests can replace them with one monkeypatch."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from evidencetracker.domain.errors import ConflictError


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def ask_save_discard_cancel(parent: QWidget | None, title: str, text: str) -> str:
    """'save', 'discard' or 'cancel': what to do with unsaved changes."""
    buttons = (
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    answer = QMessageBox.warning(parent, title, text, buttons, QMessageBox.StandardButton.Save)
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def resolve_conflict(parent: QWidget | None, error: ConflictError) -> str | None:
    """'theirs' (reload), 'mine' (theirs, then my changes on top) or None (keep editing)."""
    from evidencetracker.ui.conflict_dialog import ConflictDialog

    dialog = ConflictDialog(error, parent)
    dialog.exec()
    return dialog.choice


def pick_open_file(parent: QWidget | None, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


def pick_open_files(parent: QWidget | None, title: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title)
    return paths


def pick_save_file(parent: QWidget | None, title: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, "", filters)
    return path


def open_externally(path: str) -> bool:
    """Open a file with the system's viewer for its type."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """A line of text from the person, or None when they cancel."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def pick_folder(parent: QWidget | None, title: str) -> str:
    return QFileDialog.getExistingDirectory(parent, title)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def confirm_permanent_delete(parent: QWidget | None, what: str) -> bool:
    """Ask before a delete that skips the Trash (indicators, measurements, findings, partners)."""
    return ask_yes_no(
        parent,
        "Delete permanently",
        f"Delete {what} permanently?\n\nThis does not go to the Trash and cannot be undone.",
    )


def ask_passphrase(parent: QWidget | None, name: str) -> str | None:
    """The passphrase of an encrypted database; it lives only in memory, never in settings."""
    text, ok = QInputDialog.getText(
        parent,
        "Encrypted database",
        f"{name} may be an encrypted EvidenceTracker database.\n"
        "Enter its passphrase to open it (Cancel to give up):",
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None
