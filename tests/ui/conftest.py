"""Fixtures for driving the desktop app: a shown main window over a test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from evidencetracker.config import Preferences
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.ui import dialogs
from evidencetracker.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _delete_later(qapp) -> Iterator[None]:
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def answers(monkeypatch: pytest.MonkeyPatch) -> dict:
    """No modal dialog ever blocks a test: each question gets the answer a test sets here."""
    given: dict = {"save_discard_cancel": "discard", "yes_no": True, "conflict": None}
    asked: list = []
    given["asked"] = asked

    def save_discard_cancel(parent, title, text):  # noqa: ANN001, ANN202
        asked.append(("save_discard_cancel", title, text))
        return given["save_discard_cancel"]

    def yes_no(parent, title, text):  # noqa: ANN001, ANN202
        asked.append(("yes_no", title, text))
        return given["yes_no"]

    def conflict(parent, error):  # noqa: ANN001, ANN202
        asked.append(("conflict", error))
        return given["conflict"]

    monkeypatch.setattr(dialogs, "ask_save_discard_cancel", save_discard_cancel)
    monkeypatch.setattr(dialogs, "ask_yes_no", yes_no)
    monkeypatch.setattr(dialogs, "resolve_conflict", conflict)
    monkeypatch.setattr(dialogs, "show_error", lambda p, t, x: asked.append(("error", t, x)))
    monkeypatch.setattr(
        dialogs, "open_externally", lambda path: asked.append(("open", path)) or True
    )
    return given


def idle(qtbot, window: MainWindow) -> None:
    """Wait until the worker has run every job and its callback has been delivered."""
    qtbot.waitUntil(lambda: window.tasks.pending() == 0, timeout=10000)


def open_window(qtbot, services: Services) -> MainWindow:
    window = MainWindow(services, prefs=Preferences(author_name="Eva Evaluator"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.model.total is not None)
    idle(qtbot, window)
    return window


@pytest.fixture
def window(qtbot, services: Services) -> Iterator[MainWindow]:
    win = open_window(qtbot, services)
    yield win
    idle(qtbot, win)
    win.tasks.wait()


@pytest.fixture
def sample_window(qtbot, services: Services) -> Iterator[MainWindow]:
    load_sample(services)
    win = open_window(qtbot, services)
    yield win
    idle(qtbot, win)
    win.tasks.wait()


def select_title(qtbot, window: MainWindow, title: str) -> None:
    """Click the strategy's row, as a person would, and wait for the editor to show it."""
    row = next(i for i, r in enumerate(window.model.rows()) if r.title == title)
    rect = window.table.visualRect(window.model.index(row, 0))
    from PySide6.QtCore import Qt

    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: window.editor.detail is not None and window.editor.detail.strategy.title == title
    )
    idle(qtbot, window)
