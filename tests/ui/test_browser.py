"""The strategy browser: text filter, facet filters, SQL sorting, rows fetched in windows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from PySide6.QtCore import QPoint, Qt

from evidencetracker.db import models as M
from evidencetracker.domain import enums as E
from evidencetracker.services.container import Services
from evidencetracker.services.strategies import StrategyQuery
from tests.ui.conftest import idle, open_window

CTRL = Qt.KeyboardModifier.ControlModifier


def _shown_titles(window) -> list[str]:
    return [r.title for r in window.model.rows()]


def test_text_filter_typed_after_ctrl_l(qtbot, sample_window, services: Services):
    window = sample_window
    qtbot.keyClick(window.table, Qt.Key.Key_L, CTRL)
    assert window.browser.filter_edit.hasFocus()
    qtbot.keyClicks(window.browser.filter_edit, "mekong")
    qtbot.waitUntil(lambda: _shown_titles(window) == ["Mekong Ethical Recruitment Alliance"])
    assert window.browser.count_label.text() == "1 strategy"
    window.browser.filter_edit.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == services.strategies.count())
    idle(qtbot, window)


def test_facet_filters_match_the_database(qtbot, sample_window, services: Services):
    window = sample_window
    browser = window.browser
    cases = [
        (browser.focus_combo, E.Focus.PROTECTION, StrategyQuery(focus=E.Focus.PROTECTION)),
        (
            browser.type_combo,
            E.PartnershipType.LAW_ENFORCEMENT_TASK_FORCE,
            StrategyQuery(partnership_type=E.PartnershipType.LAW_ENFORCEMENT_TASK_FORCE),
        ),
        (
            browser.status_combo,
            E.StrategyStatus.COMPLETED,
            StrategyQuery(status=E.StrategyStatus.COMPLETED),
        ),
        (browser.geo_combo, "GB", StrategyQuery(geography="GB")),
    ]
    for combo, value, query in cases:
        combo.setCurrentIndex(combo.findData(value))
        expected = sorted(s.title for s in services.strategies.list(query))
        assert 0 < len(expected) < 10
        qtbot.waitUntil(lambda e=expected: sorted(_shown_titles(window)) == e)
        combo.setCurrentIndex(0)
        qtbot.waitUntil(lambda: window.model.rowCount() == 10)
    # Facets combine: protection and active.
    browser.focus_combo.setCurrentIndex(browser.focus_combo.findData(E.Focus.PROTECTION))
    browser.status_combo.setCurrentIndex(browser.status_combo.findData(E.StrategyStatus.ACTIVE))
    both = StrategyQuery(focus=E.Focus.PROTECTION, status=E.StrategyStatus.ACTIVE)
    expected = sorted(s.title for s in services.strategies.list(both))
    qtbot.waitUntil(lambda: sorted(_shown_titles(window)) == expected)
    # A tag from the database is offered and filters.
    tag = services.strategies.tag_names()[0]
    qtbot.waitUntil(lambda: browser.tag_combo.findData(tag) > 0)
    qtbot.mouseClick(browser.clear_button, Qt.MouseButton.LeftButton)
    browser.tag_combo.setCurrentIndex(browser.tag_combo.findData(tag))
    expected = sorted(s.title for s in services.strategies.list(StrategyQuery(tag=tag)))
    qtbot.waitUntil(lambda: sorted(_shown_titles(window)) == expected)
    idle(qtbot, window)


def test_header_click_sorts_in_sql(qtbot, sample_window, services: Services):
    window = sample_window
    header = window.table.horizontalHeader()
    sources_column = 6
    x = header.sectionViewportPosition(sources_column) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    idle(qtbot, window)
    expected = [s.title for s in services.strategies.list(StrategyQuery(sort="sources"))]
    qtbot.waitUntil(lambda: window.model.query.sort == "sources")
    qtbot.waitUntil(lambda: _shown_titles(window) == expected)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    descending = [
        s.title for s in services.strategies.list(StrategyQuery(sort="sources", descending=True))
    ]
    qtbot.waitUntil(lambda: _shown_titles(window) == descending)
    idle(qtbot, window)


def _bulk_insert(services: Services, n: int) -> None:
    now = datetime.now(UTC)
    with services.db.sessions() as session, session.begin():
        session.add_all(
            M.Strategy(
                uid=uuid.uuid4(),
                title=f"Generated strategy {i:05d}",
                summary="",
                description="",
                partnership_type=E.PartnershipType.NGO_COALITION,
                focus=("prevention",),
                sectors=(),
                geography=("TH",),
                status=E.StrategyStatus.ACTIVE,
                created_at=now,
                updated_at=now,
            )
            for i in range(n)
        )


def test_thousands_of_strategies_are_fetched_in_windows(qtbot, services: Services):
    total = 3000
    _bulk_insert(services, total)
    window = open_window(qtbot, services)
    model = window.model
    assert model.total == total
    assert model.rowCount() == model.window < total
    assert model.canFetchMore()
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 2 * model.window)
    idle(qtbot, window)
    assert model.rowCount() < total
    rows = _shown_titles(window)
    assert rows == sorted(rows) and len(set(rows)) == len(rows)
    # Filtering a big table runs in SQL: one row comes back, no fetching needed.
    qtbot.keyClicks(window.browser.filter_edit, "01234")
    qtbot.waitUntil(lambda: _shown_titles(window) == ["Generated strategy 01234"])
    assert not model.canFetchMore()
    idle(qtbot, window)
