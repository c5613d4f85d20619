"""The menu bar and tool bar: they only arrange the actions declared in actions.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize

from evidencetracker.ui.actions import ActionId

if TYPE_CHECKING:
    from evidencetracker.ui.main_window import MainWindow

A = ActionId
SEPARATOR = None

MENUS: dict[str, list[ActionId | None | str]] = {
    "&File": [
        A.NEW_DATABASE,
        A.OPEN_DATABASE,
        "recent",
        A.CONNECT_TEAM,
        SEPARATOR,
        A.IMPORT,
        A.EXPORT_DATA,
        SEPARATOR,
        A.EXPORT_BRIEF,
        A.EXPORT_COMPARISON_BRIEF,
        A.EXPORT_PORTFOLIO,
        A.EXPORT_BRIEFS_BATCH,
        SEPARATOR,
        A.LOAD_SAMPLE,
        SEPARATOR,
        A.PREFERENCES,
        SEPARATOR,
        A.QUIT,
    ],
    "&Edit": [A.UNDO, A.REDO, SEPARATOR, A.SAVE, A.REVERT, SEPARATOR, A.FIND, A.FILTER],
    "&Strategy": [A.NEW_STRATEGY, A.DELETE_STRATEGY, SEPARATOR, A.COMPARE, SEPARATOR, A.TRASH],
    "&View": [A.GAP_MAP, SEPARATOR, A.REFRESH],
    "&Tools": [A.SYNC, A.CONFLICTS, SEPARATOR, A.BACKUPS, A.CHECK_DATABASE],
    "&Help": [A.ABOUT],
}
TOOLBAR = [A.NEW_STRATEGY, A.SAVE, A.REVERT, A.DELETE_STRATEGY, SEPARATOR, A.REFRESH]


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    window.menus = {}
    for title, entries in MENUS.items():
        menu = bar.addMenu(title)
        window.menus[title.replace("&", "")] = menu
        for entry in entries:
            if entry is SEPARATOR:
                menu.addSeparator()
            elif entry == "recent":
                recent = menu.addMenu("Recent &Databases")
                recent.aboutToShow.connect(lambda m=recent: window.opener.fill_recent_menu(m))
                window.recent_menu = recent
            else:
                menu.addAction(window.actions[entry])  # type: ignore[index]
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    toolbar.setIconSize(QSize(20, 20))
    for entry in TOOLBAR:
        if entry is SEPARATOR:
            toolbar.addSeparator()
        else:
            toolbar.addAction(window.actions[entry])
