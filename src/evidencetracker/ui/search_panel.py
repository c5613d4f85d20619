"""Search everything: a field that shows ranked hits with highlighted snippets as one types.

Each keystroke restarts a short timer; when it fires the query runs on the TaskRunner's worker,
tagged with a request id so that a slow, older answer never replaces a newer one.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.search_query import HIGHLIGHT_END, HIGHLIGHT_START
from evidencetracker.services.container import Services
from evidencetracker.services.search import SearchHit
from evidencetracker.ui.tasks import TaskRunner

DEBOUNCE_MS = 200
RESULT_LIMIT = 50
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2


def snippet_html(snippet: str) -> str:
    """The snippet as HTML: marked words bold, everything else escaped (user text is data)."""
    out: list[str] = []
    bold = False
    for piece in _split_markers(snippet.replace("\r", " ").replace("\n", " ")):
        if piece == HIGHLIGHT_START:
            if not bold:
                out.append("<b>")
                bold = True
        elif piece == HIGHLIGHT_END:
            if bold:
                out.append("</b>")
                bold = False
        else:
            out.append(html.escape(piece))
    if bold:
        out.append("</b>")  # an unbalanced marker must not leave the rest of the list bold
    return "".join(out)


def _split_markers(text: str) -> list[str]:
    pieces, current = [], []
    for ch in text:
        if ch in (HIGHLIGHT_START, HIGHLIGHT_END):
            pieces += ["".join(current), ch]
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p for p in pieces if p]


def hit_html(hit: SearchHit) -> str:
    kind = html.escape(hit.entity_type.capitalize())
    title = html.escape(hit.title or "(untitled)")
    return f"<i>{kind}</i> &nbsp;<b>{title}</b><br/><span>{snippet_html(hit.snippet)}</span>"


class HtmlDelegate(QStyledItemDelegate):
    """Paints an item's HTML_ROLE text as rich text (the item's display text stays plain)."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(index.data(HTML_ROLE) or "")
        doc.setTextWidth(max(option.rect.width() - 8, 100))
        return doc

    def paint(self, painter, option, index) -> None:  # noqa: ANN001
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.left() + 4, opt.rect.top() + 3)
        painter.setClipRect(QRectF(0, 0, opt.rect.width() - 4, opt.rect.height() - 3))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: ANN001, N802
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = opt.widget.viewport().width() if opt.widget else 400
        opt.rect.setWidth(width)
        doc = self._document(opt, index)
        return QSize(width, int(doc.size().height()) + 6)


class SearchPanel(QWidget):
    """The search field, its result list and a count line; Enter opens the hit's strategy."""

    strategy_activated = Signal(object)  # the strategy uid of the chosen hit

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.tasks = services, tasks
        self.hits: list[SearchHit] = []
        self._requests = itertools.count(1)
        self._request = 0
        self._query = ""
        self._activate_first = False

        self.field = QLineEdit()
        self.field.setAccessibleName("Search everything")
        self.field.setPlaceholderText('Search: words, "exact phrase", prefix*, -exclude')
        self.field.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.count = QLabel("Type to search strategies, outcomes, indicators, evidence, findings.")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setWordWrap(True)
        self.count.setAccessibleName("Search status")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(self.on_text_changed)
        self.field.returnPressed.connect(self.on_return)
        self.field.installEventFilter(self)
        self.results.itemActivated.connect(self.on_item_activated)

    # -- public --------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def set_services(self, services: Services) -> None:
        """Search another database (the window opened one); shows the current query's hits."""
        self.services = services
        self.refresh()

    def refresh(self) -> None:
        """Run the current query again now (after the data changed)."""
        self.timer.stop()
        self.run_search()

    # -- typing and searching ------------------------------------------------------------------
    def on_text_changed(self, _text: str) -> None:
        self.timer.start()

    def run_search(self) -> None:
        query = self.field.text()
        self._query = query
        self._request = request = next(self._requests)
        if not query.strip():
            self._show([], request, query)
            return
        search = self.services.search
        self.count.setText("Searching…")
        self.tasks.submit(
            lambda: search.search(query, RESULT_LIMIT),
            lambda hits: self._show(hits, request, query),
            lambda exc: self._failed(exc, request),
        )

    def _show(self, hits: list[SearchHit], request: int, query: str) -> None:
        if request != self._request:
            return  # an older query, overtaken by what was typed since
        self.hits = list(hits)
        self.results.clear()
        for hit in self.hits:
            plain = f"{hit.entity_type}: {hit.title} — {hit.snippet_text()}"
            item = QListWidgetItem(plain)
            item.setData(HTML_ROLE, hit_html(hit))
            item.setData(HIT_ROLE, hit)
            item.setToolTip(hit.title)
            self.results.addItem(item)
        if self.hits:
            self.results.setCurrentRow(0)
        activate, self._activate_first = self._activate_first, False
        if not query.strip():
            self.count.setText(
                "Type to search strategies, outcomes, indicators, evidence, findings."
            )
        elif not self.hits:
            self.count.setText("No matches.")
        else:
            n = len(self.hits)
            more = " (the best shown; add words to narrow)" if n >= RESULT_LIMIT else ""
            self.count.setText(f"{n} match{'' if n == 1 else 'es'}{more}")
            if activate:
                self.on_item_activated(self.results.item(0))

    def _failed(self, exc: BaseException, request: int) -> None:
        if request != self._request:
            return
        self._activate_first = False
        self.hits = []
        self.results.clear()
        self.count.setText(f"Search failed: {exc}")

    # -- choosing a hit --------------------------------------------------------------------------
    def on_return(self) -> None:
        if self.timer.isActive() or self._query != self.field.text():
            # Enter before the debounce fired: search now and open the best hit when it comes.
            self._activate_first = True
            self.refresh()
            return
        item = self.results.currentItem() or self.results.item(0)
        if item is not None:
            self.on_item_activated(item)

    def on_item_activated(self, item: QListWidgetItem) -> None:
        hit: Any = item.data(HIT_ROLE)
        if hit is None:
            return
        if hit.strategy_uid is None:
            self.count.setText(f"“{hit.title}” is not linked to any strategy yet.")
            return
        self.strategy_activated.emit(hit.strategy_uid)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Down/Up in the field move through the results, so the keyboard never has to leave it.
        if watched is self.field and isinstance(event, QKeyEvent):
            key = event.key()
            if (
                event.type() == QEvent.Type.KeyPress
                and key in (Qt.Key.Key_Down, Qt.Key.Key_Up)
                and self.results.count()
            ):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = min(max(self.results.currentRow() + step, 0), self.results.count() - 1)
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)
