"""The Rating tab, the comparison view, the gap map and the rating badge, driven like a person."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialogButtonBox, QTableView
from sqlalchemy import func, select

from evidencetracker.db import models as M
from evidencetracker.domain import enums as E
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.services.strategies import StrategyQuery
from evidencetracker.ui import comparison_view, dialogs
from evidencetracker.ui.comparison_view import DIFFERS_BACKGROUND, ComparisonView
from evidencetracker.ui.gap_map_view import GapMapView
from evidencetracker.ui.rating_badge import (
    LEVEL_COLOURS,
    SUMMARY_ROLE,
    RatingBadge,
    RatingBadgeDelegate,
)
from evidencetracker.ui.rating_tab import RatingTab
from evidencetracker.ui.tasks import TaskRunner


@pytest.fixture
def sample(services: Services) -> Services:
    load_sample(services)
    return services


@pytest.fixture
def tasks(qtbot):
    runner = TaskRunner()
    yield runner
    runner.wait()


def uid_of(services: Services, prefix: str):
    return next(s.uid for s in services.strategies.list() if s.title.startswith(prefix))


def override_count(services: Services) -> int:
    with services.ctx.read() as session:
        return session.scalar(select(func.count(M.RatingOverride.id)))


def test_selecting_strategies_and_comparing_shows_their_values(qtbot, sample, tasks, monkeypatch):
    view = ComparisonView(sample, tasks)
    qtbot.addWidget(view)
    uids = [uid_of(sample, n) for n in ("Mekong", "Northern Border", "Danube")]
    with qtbot.waitSignal(view.compared, timeout=10_000):
        view.compare(uids)
    table = view.table
    assert table.columnCount() == 3
    headers = [table.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == [
        "Mekong Ethical Recruitment Alliance",
        "Northern Border Joint Investigation Task Force",
        "Danube Regional Referral Mechanism",
    ]
    assert [view.cell_text("headline", c) for c in range(3)] == [
        "Proven (high certainty)",
        "Effective (high certainty)",
        "Promising (very low certainty)",
    ]
    assert view.cell_text("cost", 1) == "3,400,000.00 USD"
    assert view.cell_text("studies", 0) == "3 (1 at score 5, 2 at score 4)"
    assert view.cell_text("strongest", 0).startswith("Lindqvist 2021 (score 5)")
    # Differences are highlighted; rows that agree are not.
    rows = {table.item(r, 0).data(Qt.ItemDataRole.UserRole): r for r in range(table.rowCount())}
    differs = table.item(rows["partnership_type"], 0).background().color()
    assert differs == QColor(DIFFERS_BACKGROUND)
    assert table.item(rows["harm"], 0).background().color() != QColor(DIFFERS_BACKGROUND)
    assert table.verticalHeaderItem(rows["partnership_type"]).text().startswith("\u25cf")

    # Save, rename and delete the comparison set from the view.
    answers = iter(["Field visit", "Donor briefing"])
    monkeypatch.setattr(comparison_view, "ask_text", lambda *a, **k: next(answers))
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a: True)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.set_picker.count() == 1, timeout=10_000)
    assert view.set_picker.itemText(0) == "Field visit (3 strategies)"
    qtbot.mouseClick(view.rename_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: view.set_picker.itemText(0).startswith("Donor briefing"), timeout=10_000
    )
    assert [s.name for s in sample.comparisons.list_sets()] == ["Donor briefing"]

    # Reopen it after comparing something else.
    with qtbot.waitSignal(view.compared, timeout=10_000):
        view.compare(uids[:2])
    with qtbot.waitSignal(view.compared, timeout=10_000):
        qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert view.table.columnCount() == 3 and "Donor briefing" in view.heading.text()

    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.set_picker.count() == 0, timeout=10_000)
    assert sample.comparisons.list_sets() == []


def test_a_gap_map_click_emits_the_cell_strategies(qtbot, sample, tasks):
    view = GapMapView(sample, tasks)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitUntil(lambda: view.gap is not None, timeout=10_000)
    gap = view.gap
    row = gap.rows.index("law_enforcement_task_force")
    column = gap.columns.index(E.Focus.PROSECUTION)
    expected = {uid_of(sample, "Northern Border"), uid_of(sample, "UK")}
    rect = view.canvas.cell_rect(row, column)
    with qtbot.waitSignal(view.cell_activated) as blocker:
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=rect.center())
    assert set(blocker.args[0]) == expected
    # Those uids filter the strategy list to the cell.
    listed = sample.strategies.list(StrategyQuery(uids=tuple(blocker.args[0])))
    assert {s.title for s in listed} == {
        "Northern Border Joint Investigation Task Force",
        "UK\u2013Romania Labour Exploitation Liaison Network",
    }

    # A cell without strategies emits nothing.
    empty = view.canvas.cell_rect(
        gap.rows.index("multi_sector"), gap.columns.index(E.Focus.PROSECUTION)
    )
    with qtbot.assertNotEmitted(view.cell_activated):
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=empty.center())

    # The current filters are respected: only the Mexican strategy is left in that cell.
    view.set_query(StrategyQuery(geography="MX"))
    qtbot.waitUntil(lambda: view.gap is not gap, timeout=10_000)
    with qtbot.waitSignal(view.cell_activated) as blocker:
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0] == [uid_of(sample, "Northern Border")]

    # The second layout: outcome level x P.
    previous = view.gap
    view.set_layout("outcome_level")
    qtbot.waitUntil(lambda: view.gap is not previous, timeout=10_000)
    assert view.gap.layout == "outcome_level" and len(view.gap.cells) == 16


def test_an_override_without_justification_is_refused_in_the_dialog(
    qtbot, sample, tasks, monkeypatch
):
    tab = RatingTab(sample, tasks)
    qtbot.addWidget(tab)
    danube = uid_of(sample, "Danube")
    tab.show_strategy(sample.strategies.detail(danube))
    qtbot.waitUntil(lambda: len(tab.cards) == 2, timeout=10_000)
    card = tab.cards[1]
    assert card.view.level is E.RatingLevel.INCONCLUSIVE
    assert "Inconclusive: the evidence is mixed or weak" in card.trace.text()
    assert card.studies.item(0, 0).text() == "Fundația Speranța Research Unit 2021"
    assert not card.withdraw_button.isEnabled()

    qtbot.mouseClick(card.override_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    try:
        assert dialog is not None and dialog.isVisible()
        dialog.level.setCurrentIndex(dialog.level.findData(E.RatingLevel.EMERGING))
        dialog.justification.setPlainText("   ")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.error.isVisible()
        assert "justification is required" in dialog.error.text()
        tasks.wait()
        assert override_count(sample) == 0

        dialog.justification.setPlainText("Ministry figures corroborate the case study.")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    finally:
        dialog.close()
    qtbot.waitUntil(lambda: override_count(sample) == 1, timeout=10_000)
    qtbot.waitUntil(
        lambda: len(tab.cards) == 2 and tab.cards[1].view.override is not None, timeout=10_000
    )
    card = tab.cards[1]
    assert card.badge.level is E.RatingLevel.EMERGING
    assert card.computed_badge.level is E.RatingLevel.INCONCLUSIVE
    assert card.withdraw_button.isEnabled()

    # Withdraw it (confirmed), and the computed rating is back in force.
    asked = []
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a: asked.append(a) or True)
    qtbot.mouseClick(card.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: len(tab.cards) == 2 and tab.cards[1].view.override is None, timeout=10_000
    )
    assert tab.cards[1].badge.level is E.RatingLevel.INCONCLUSIVE
    assert len(asked) == 1 and "The override stays in the record" in asked[0][2]


def test_the_badge_delegate_paints_the_level_colour(qtbot, sample):
    summary = next(s for s in sample.strategies.list() if s.title.startswith("Mekong"))
    model = QStandardItemModel(1, 1)
    item = QStandardItem("Proven (high)")
    item.setData(summary, SUMMARY_ROLE)
    model.setItem(0, 0, item)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(0, RatingBadgeDelegate(view))
    view.resize(400, 120)
    view.setColumnWidth(0, 300)
    view.show()
    image = view.viewport().grab().toImage()
    rect = view.visualRect(model.index(0, 0))
    colours = {
        image.pixelColor(x, rect.center().y()).name() for x in range(rect.left(), rect.right())
    }
    assert LEVEL_COLOURS[E.RatingLevel.PROVEN][0] in colours

    badge = RatingBadge(E.RatingLevel.HARMFUL, E.Certainty.LOW, harm=True)
    qtbot.addWidget(badge)
    assert badge.accessibleName() == "Rating: Harmful, low certainty, harm flagged"
    assert badge.sizeHint().width() > badge.sizeHint().height() > 0
