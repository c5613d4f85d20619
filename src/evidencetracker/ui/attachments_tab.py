"""The Attachments tab: files kept in the database; drag them in, open them with the system."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.atomic import write_atomic
from evidencetracker.domain.records import StrategyDetail
from evidencetracker.services.container import Services
from evidencetracker.ui import dialogs
from evidencetracker.ui.forms import HINT_STYLE, format_value
from evidencetracker.ui.progress import Cancelled, Progress, progress_dialog
from evidencetracker.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from evidencetracker.ui.strategy_editor import StrategyEditor

CHUNK = 1024 * 1024


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def read_files(paths: list[str], progress: Progress) -> list[tuple[str, bytes]]:
    """Read files in chunks, reporting bytes read; Cancel stops before anything is stored."""
    total = sum(Path(p).stat().st_size for p in paths)
    done, result = 0, []
    for path in paths:
        chunks = []
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                chunks.append(chunk)
                done += len(chunk)
                progress.report(done, total, f"Reading {Path(path).name}…")
        result.append((Path(path).name, b"".join(chunks)))
    return result


class AttachmentsTab(QWidget):
    def __init__(self, services: Services, tasks: TaskRunner, editor: StrategyEditor):
        super().__init__()
        self.services, self.tasks, self.editor = services, tasks, editor
        self.detail: StrategyDetail | None = None
        self.setAcceptDrops(True)
        self._temp: Path | None = None  # made on the first Open, removed at close and exit
        self.last_opened: str = ""

        hint = QLabel(
            "Drag files here, or use Add files. They are stored inside the database, so they "
            "travel with it. Open shows a file in the system's viewer."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        self.list = QTreeWidget()
        self.list.setAccessibleName("Attachments")
        self.list.setHeaderLabels(["File", "Type", "Size", "Added"])
        self.list.setRootIsDecorated(False)
        self.list.setColumnWidth(0, 320)
        self.list.setColumnWidth(1, 180)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.itemActivated.connect(lambda *_: self.open_selected())
        self.add_button = QPushButton("&Add files…")
        self.add_button.clicked.connect(self.pick_files)
        self.open_button = QPushButton("&Open")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.open_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def show_strategy(self, detail: StrategyDetail) -> None:
        self.detail = detail
        self.list.clear()
        for a in detail.attachments:
            name = a.filename + ("  [confidential]" if a.confidential else "")
            item = QTreeWidgetItem(
                [name, a.media_type or "", human_size(a.size), format_value(a.created_at)]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, a)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)

    # -- adding ------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and self.detail is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        files = [p for p in paths if Path(p).is_file()]
        if files:
            event.acceptProposedAction()
            self.add_files(files)

    def pick_files(self) -> None:
        paths = dialogs.pick_open_files(self, "Attach files")
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[str]) -> None:
        """Read the files (with progress and Cancel), then store them in one go each."""
        if self.detail is None:
            return
        uid = self.detail.strategy.uid
        progress = Progress(self)
        dialog = progress_dialog(self, "Attaching files", "Reading…", progress, cancellable=True)

        def job() -> int:
            files = read_files(paths, progress)
            for i, (name, data) in enumerate(files):
                progress.report(i, len(files), f"Storing {name}…")
                self.services.attachments.add(data, {"filename": name}, strategy_uid=uid)
            return len(files)

        def finished(count: int) -> None:
            dialog.close()
            self.editor.status.emit(f"Attached {count} file(s)")
            self.editor.reload()

        def failed(exc: BaseException) -> None:
            dialog.close()
            if isinstance(exc, Cancelled):
                self.editor.status.emit("Attaching cancelled")
                self.editor.reload()
            elif isinstance(exc, OSError):
                self.editor.show_error(OSError(f"Cannot read {exc.filename}: {exc.strerror}"))
            else:
                self.editor.show_error(exc)

        self.tasks.submit(job, finished, failed)

    # -- opening and removing ----------------------------------------------------------------
    def selected(self) -> list[Any]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.list.selectedItems()]

    def temp_folder(self) -> Path:
        """Where opened files are put for the system viewer; private, and removed on exit.

        A file opened from the database is plain on disk while a viewer shows it: it must not
        outlive the app (confidential reports, encrypted databases).
        """
        if self._temp is None:
            self._temp = Path(tempfile.mkdtemp(prefix="evidencetracker-"))
            atexit.register(shutil.rmtree, self._temp, ignore_errors=True)
        return self._temp

    def cleanup(self) -> None:
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def open_selected(self) -> None:
        for attachment in self.selected()[:1]:
            folder = self.temp_folder() / attachment.uid.hex
            name = Path(attachment.filename).name
            target = folder / (name if name not in ("", ".", "..") else "attachment")

            def job(a: Any = attachment, folder: Path = folder, target: Path = target) -> str:
                folder.mkdir(parents=True, exist_ok=True)
                write_atomic(target, self.services.attachments.read(a.uid))
                return str(target)

            self.tasks.submit(job, self._on_written, self.editor.show_error)

    def _on_written(self, path: str) -> None:
        self.last_opened = path
        if not dialogs.open_externally(path):
            self.editor.show_error(OSError(f"No program on this computer opens {path}"))

    def remove_selected(self) -> None:
        chosen = self.selected()
        if not chosen or not dialogs.ask_yes_no(
            self,
            "Remove attachments",
            "Remove " + ", ".join(a.filename for a in chosen) + " from the database?",
        ):
            return

        def job() -> None:
            for a in chosen:
                self.services.attachments.delete(a.uid)

        self.tasks.submit(job, lambda _: self.editor.reload(), self.editor.show_error)
