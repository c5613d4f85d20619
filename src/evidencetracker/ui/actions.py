"""Every command of the main window, declared once and keyed by an enum; menus only arrange them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

SK = QKeySequence.StandardKey
SP = QStyle.StandardPixmap


class ActionId(Enum):
    NEW_DATABASE = auto()
    OPEN_DATABASE = auto()
    PREFERENCES = auto()
    QUIT = auto()
    NEW_STRATEGY = auto()
    SAVE = auto()
    REVERT = auto()
    DELETE_STRATEGY = auto()
    UNDO = auto()
    REDO = auto()
    FIND = auto()
    REFRESH = auto()
    TRASH = auto()
    LOAD_SAMPLE = auto()
    ABOUT = auto()
    CONNECT_TEAM = auto()
    COMPARE = auto()
    GAP_MAP = auto()
    EXPORT_BRIEF = auto()
    EXPORT_COMPARISON_BRIEF = auto()
    EXPORT_PORTFOLIO = auto()
    EXPORT_BRIEFS_BATCH = auto()
    BACKUPS = auto()
    CHECK_DATABASE = auto()
    SYNC = auto()
    CONFLICTS = auto()
    FILTER = auto()
    IMPORT = auto()
    EXPORT_DATA = auto()


@dataclass(frozen=True)
class ActionSpec:
    text: str
    tip: str
    standard: SK | None = None
    fallback: str = ""  # used where the platform has no standard key for the action
    icon: SP | None = None


SPECS: dict[ActionId, ActionSpec] = {
    ActionId.NEW_DATABASE: ActionSpec(
        "&New Database…", "Create a new, empty database file", None, "Ctrl+Shift+N"
    ),
    ActionId.OPEN_DATABASE: ActionSpec(
        "&Open Database…", "Open another database file", SK.Open, "Ctrl+O", SP.SP_DirOpenIcon
    ),
    ActionId.PREFERENCES: ActionSpec(
        "&Preferences…",
        "Author name, default currency, small-cell threshold",
        SK.Preferences,
        "Ctrl+,",
    ),
    ActionId.QUIT: ActionSpec("&Quit", "Quit EvidenceTracker", SK.Quit, "Ctrl+Q"),
    ActionId.NEW_STRATEGY: ActionSpec(
        "&New Strategy", "Enter a new strategy", SK.New, "Ctrl+N", SP.SP_FileIcon
    ),
    ActionId.SAVE: ActionSpec(
        "&Save", "Save the changes to this strategy", SK.Save, "Ctrl+S", SP.SP_DialogSaveButton
    ),
    ActionId.REVERT: ActionSpec(
        "Re&vert", "Discard unsaved changes", None, "Ctrl+Shift+R", SP.SP_DialogResetButton
    ),
    ActionId.DELETE_STRATEGY: ActionSpec(
        "&Delete Strategy",
        "Move the selected strategy to the Trash",
        SK.Delete,
        "Del",
        SP.SP_TrashIcon,
    ),
    ActionId.UNDO: ActionSpec("&Undo", "Undo the last save or delete", SK.Undo, "Ctrl+Z"),
    ActionId.REDO: ActionSpec("&Redo", "Redo what was undone", SK.Redo, "Ctrl+Shift+Z"),
    ActionId.FIND: ActionSpec(
        "&Search…", "Search strategies, evidence and findings", SK.Find, "Ctrl+F"
    ),
    ActionId.FILTER: ActionSpec(
        "&Filter the List",
        "Filter the strategies by words in the title or summary",
        None,
        "Ctrl+L",
    ),
    ActionId.IMPORT: ActionSpec(
        "&Import…", "Import a spreadsheet, citations or a bundle", None, "Ctrl+Shift+I"
    ),
    ActionId.EXPORT_DATA: ActionSpec(
        "&Export Data…", "Export to CSV, XLSX, RIS or a JSON bundle", None, "Ctrl+Shift+E"
    ),
    ActionId.REFRESH: ActionSpec(
        "&Refresh", "Reload from the database", SK.Refresh, "F5", SP.SP_BrowserReload
    ),
    ActionId.TRASH: ActionSpec("&Trash…", "Restore or purge deleted items", None, "Ctrl+Shift+T"),
    ActionId.LOAD_SAMPLE: ActionSpec(
        "Load &Illustrative Sample", "Add the ten example strategies", None, ""
    ),
    ActionId.ABOUT: ActionSpec("&About EvidenceTracker", "Version and licences", None, ""),
    ActionId.CONNECT_TEAM: ActionSpec(
        "Connect to &Team Database…", "Open a shared PostgreSQL database", None, ""
    ),
    ActionId.COMPARE: ActionSpec(
        "&Compare Selected…", "Put 2 to 6 selected strategies side by side", None, "Ctrl+Shift+C"
    ),
    ActionId.GAP_MAP: ActionSpec(
        "Evidence &Gap Map", "Where evidence is strong, weak or missing", None, "Ctrl+G"
    ),
    ActionId.EXPORT_BRIEF: ActionSpec(
        "Export &Brief…", "A shareable PDF brief of this strategy", SK.Print, "Ctrl+P"
    ),
    ActionId.EXPORT_COMPARISON_BRIEF: ActionSpec(
        "Export &Comparison Brief…", "A PDF comparing the selected strategies", None, ""
    ),
    ActionId.EXPORT_PORTFOLIO: ActionSpec(
        "Export &Portfolio Brief…", "A PDF of the gap map and every strategy shown", None, ""
    ),
    ActionId.EXPORT_BRIEFS_BATCH: ActionSpec(
        "Export Briefs of &Selected…",
        "One PDF brief per selected strategy, into a folder",
        None,
        "",
    ),
    ActionId.BACKUPS: ActionSpec(
        "&Backups…", "Back up now, or restore a verified backup", None, ""
    ),
    ActionId.CHECK_DATABASE: ActionSpec(
        "&Check Database…", "Check the database and repair what is safe to repair", None, ""
    ),
    ActionId.SYNC: ActionSpec(
        "&Sync with Team Database…",
        "Exchange changes with the team database or a bundle",
        None,
        "",
    ),
    ActionId.CONFLICTS: ActionSpec(
        "&Conflicts…", "Decide between values edited in two places", None, ""
    ),
}


class Actions:
    """Builds one QAction per ActionId; ``actions[ActionId.SAVE]`` is the Save action."""

    def __init__(self, owner: QWidget):
        self._actions: dict[ActionId, QAction] = {}
        style = owner.style()
        for action_id, spec in SPECS.items():
            action = QAction(spec.text, owner)
            action.setObjectName(action_id.name.lower())
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
            keys = QKeySequence.keyBindings(spec.standard) if spec.standard is not None else []
            if not keys and spec.fallback:
                keys = [QKeySequence(spec.fallback)]
            action.setShortcuts(keys)
            if spec.icon is not None:
                action.setIcon(style.standardIcon(spec.icon))
            owner.addAction(action)
            self._actions[action_id] = action

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]

    def all(self) -> dict[ActionId, QAction]:
        return dict(self._actions)
