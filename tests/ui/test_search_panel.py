"""The search panel: typing shows ranked hits with highlighted snippets; Enter opens a strategy."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.services.search import SearchHit
from evidencetracker.ui.search_panel import HIT_ROLE, HTML_ROLE, SearchPanel, snippet_html
from evidencetracker.ui.tasks import TaskRunner


@pytest.fixture
def panel(qtbot, services: Services):
    load_sample(services)
    tasks = TaskRunner()
    widget = SearchPanel(services, tasks)
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    yield widget
    tasks.wait()


def _type(qtbot, panel: SearchPanel, text: str) -> None:
    panel.field.setFocus()
    qtbot.keyClicks(panel.field, text)
    qtbot.waitUntil(lambda: not panel.timer.isActive() and panel.tasks.pending() == 0)


def _mekong(services: Services):  # noqa: ANN202
    return next(s.uid for s in services.strategies.list() if s.title.startswith("Mekong"))


def test_typing_shows_ranked_hits_with_bold_matches(qtbot, panel: SearchPanel):
    name = QAccessible.queryAccessibleInterface(panel.field).text(QAccessible.Text.Name)
    assert name == "Search everything"
    _type(qtbot, panel, "recruitment")
    assert panel.results.count() == len(panel.hits) > 3
    assert panel.count.text() == f"{len(panel.hits)} matches"
    # Title matches come first: every hit with the word in its title precedes those without.
    in_title = [("recruitment" in h.title.casefold()) for h in panel.hits]
    assert in_title == sorted(in_title, reverse=True)
    first = panel.results.item(0)
    assert "<b>recruitment</b>" in first.data(HTML_ROLE).casefold()
    assert first.data(HIT_ROLE).entity_type in first.data(HTML_ROLE).casefold()
    assert "\x02" not in first.text() and "recruitment" in first.text().casefold()


def test_enter_and_double_click_open_the_hits_strategy(qtbot, panel: SearchPanel, services):
    _type(qtbot, panel, "Mekong Ethical")
    assert panel.hits[0].title == "Mekong Ethical Recruitment Alliance"
    with qtbot.waitSignal(panel.strategy_activated) as blocker:
        qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert blocker.args == [_mekong(services)]

    panel.results.setCurrentRow(0)
    rect = panel.results.visualItemRect(panel.results.item(0))
    # A real double click is press, release, then the double-click event on the same item.
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(panel.strategy_activated) as blocker:
        qtbot.mouseDClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [panel.hits[0].strategy_uid]


def test_down_arrow_moves_through_results_and_no_match_is_said(qtbot, panel: SearchPanel):
    _type(qtbot, panel, "recruitment")
    qtbot.keyClick(panel.field, Qt.Key.Key_Down)
    assert panel.results.currentRow() == 1
    panel.field.clear()
    _type(qtbot, panel, "zzyzxqq")
    assert panel.results.count() == 0
    assert panel.count.text() == "No matches."


def test_user_text_is_escaped_and_only_markers_are_bold(qtbot, panel: SearchPanel, services):
    services.strategies.create(
        {
            "title": 'Hostile <b>markup</b> & "quotes" =cmd()',
            "partnership_type": "other",
            "focus": ["prevention"],
        }
    )
    _type(qtbot, panel, "hostile")
    html = panel.results.item(0).data(HTML_ROLE)
    assert "&lt;b&gt;markup&lt;/b&gt;" in html
    assert "<b>markup</b>" not in html
    assert snippet_html("a <i>\x02x\x03</i> & b") == "a &lt;i&gt;<b>x</b>&lt;/i&gt; &amp; b"
    assert snippet_html("open \x02end") == "open <b>end</b>"  # unbalanced: closed, not leaked


def test_stale_results_are_dropped(qtbot, panel: SearchPanel, monkeypatch):
    gate = threading.Event()
    real = panel.services.search.search

    def slow(query: str, limit: int = 50) -> list[SearchHit]:
        if query == "mekong":
            gate.wait(10)  # the older query answers only after the newer one was typed
        return real(query, limit)

    monkeypatch.setattr(panel.services.search, "search", slow)
    shown: list[list[str]] = []
    original = panel._show

    def recording(hits, request, query):  # noqa: ANN001, ANN202
        original(hits, request, query)
        shown.append([h.title for h in panel.hits])

    monkeypatch.setattr(panel, "_show", recording)
    panel.field.setFocus()
    qtbot.keyClicks(panel.field, "mekong")
    qtbot.waitUntil(lambda: not panel.timer.isActive())
    panel.field.clear()
    qtbot.keyClicks(panel.field, "danube")
    qtbot.waitUntil(lambda: not panel.timer.isActive())
    gate.set()
    qtbot.waitUntil(lambda: panel.tasks.pending() == 0)
    assert shown, "results were delivered"
    assert all(not any("Mekong" in t for t in titles) for titles in shown)
    assert any("Danube" in h.title for h in panel.hits)


def test_errors_are_shown_in_the_panel(qtbot, panel: SearchPanel, monkeypatch):
    def broken(query: str, limit: int = 50):  # noqa: ANN202
        raise RuntimeError("the index is damaged")

    monkeypatch.setattr(panel.services.search, "search", broken)
    _type(qtbot, panel, "anything")
    assert panel.count.text() == "Search failed: the index is damaged"
    assert panel.results.count() == 0


def test_focus_search_selects_the_field(qtbot, panel: SearchPanel):
    panel.field.setText("previous query")
    panel.results.setFocus()
    panel.focus_search()
    qtbot.waitUntil(panel.field.hasFocus)
    assert panel.field.selectedText() == "previous query"
