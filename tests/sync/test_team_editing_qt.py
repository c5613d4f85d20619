"""Two app windows on the same team database: the second save of a record is a conflict."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from evidencetracker.domain.errors import ConflictError
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.ui import dialogs
from tests.ui.conftest import idle, open_window, select_title

pytestmark = pytest.mark.postgres
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list:
    questions: list = []
    monkeypatch.setattr(
        dialogs, "resolve_conflict", lambda parent, error: questions.append(error) or None
    )
    monkeypatch.setattr(dialogs, "ask_save_discard_cancel", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "show_error", lambda *a: questions.append(a))
    return questions


def test_second_save_on_the_team_database_is_a_conflict_not_an_overwrite(qtbot, pg_url, asked):
    first, second = Services.open(pg_url, author="Ann"), Services.open(pg_url, author="Bob")
    try:
        load_sample(first)
        title = first.strategies.list()[0].title
        ann, bob = open_window(qtbot, first), open_window(qtbot, second)
        select_title(qtbot, ann, title)
        select_title(qtbot, bob, title)
        uid = ann.editor.uid
        for window, text in ((ann, "Ann's title"), (bob, "Bob's title")):
            field = window.editor.overview.form.inputs["title"]
            field.selectAll()
            qtbot.keyClicks(field, text)
        for window in (ann, bob):  # each person presses Ctrl+S in their own window
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
            qtbot.keyClick(window.editor.overview.form.inputs["title"], Qt.Key.Key_S, CTRL)
            idle(qtbot, window)
        qtbot.waitUntil(lambda: len(asked) == 1)
        (error,) = asked
        assert isinstance(error, ConflictError)
        assert [(c.field, c.yours, c.theirs) for c in error.conflicts] == [
            ("title", "Bob's title", "Ann's title")
        ]
        assert first.strategies.get(uid).title == "Ann's title"  # 0 rows overwritten
        assert bob.isWindowModified()  # Bob's edit is still on screen, unsaved
        for window in (ann, bob):
            window.close()
            window.tasks.wait()
    finally:
        first.close()
        second.close()
