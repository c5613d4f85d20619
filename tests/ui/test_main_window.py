"""The desktop shell: opens a database and lists its strategies without blocking the UI."""

from __future__ import annotations

import pytest

from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.ui import application, dialogs
from evidencetracker.ui.main_window import MainWindow


def test_the_window_lists_the_sample_strategies(qtbot, services: Services):
    load_sample(services)
    window = MainWindow(services)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 10)
    titles = {window.model.index(r, 0).data() for r in range(10)}
    assert "Mekong Ethical Recruitment Alliance" in titles
    assert window.sample_notice.isVisibleTo(window)
    assert window.statusBar().currentMessage() == "10 strategies"
    window.tasks.wait()


@pytest.mark.parametrize("answer, expected", [(True, 10), (False, 0)])
def test_first_run_offers_the_sample(qtbot, services: Services, monkeypatch, answer, expected):
    asked = []
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a: asked.append(a) or answer)
    application.offer_sample(services)
    assert len(asked) == 1 and "Illustrative sample" in asked[0][2]
    assert services.strategies.count() == expected
