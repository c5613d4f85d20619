"""The About box: version, and the licences of the app and of what it ships."""

from __future__ import annotations

from html import escape

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from evidencetracker import __version__
from evidencetracker.resources import resource_path


def about_html() -> str:
    try:
        font_licence = resource_path("fonts/LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        font_licence = "The DejaVu font licence file is missing from this installation."
    return (
        f"<h2>EvidenceTracker {escape(__version__)}</h2>"
        "<p>Document which anti-trafficking partnership strategies work, and how strong the "
        "evidence is. Offline; your data stays on your computer.</p>"
        "<h3>Licences</h3>"
        "<p><b>EvidenceTracker</b> is free software under the MIT licence.</p>"
        f"<p><b>Qt {escape(qVersion())}</b> and <b>PySide6 {escape(PySide6.__version__)}</b> "
        "are used under the GNU Lesser General Public License v3 (LGPLv3). You may replace "
        "them with your own build; see https://www.qt.io/licensing/.</p>"
        "<p><b>DejaVu fonts</b> (used in PDF exports) are distributed under their own "
        "permissive licence:</p>"
        f"<pre style='font-size:8pt'>{escape(font_licence)}</pre>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About EvidenceTracker")
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(about_html())
        self.text.setAccessibleName("About EvidenceTracker")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(620, 520)
