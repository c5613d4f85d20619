"""Window geometry, splitters and header layout in QSettings (an INI file in the config folder).

Preferences are typed and live in preferences.json; only this UI state goes to QSettings, in a
file under config_dir() so that tests and EVIDENCETRACKER_CONFIG_DIR keep it out of $HOME.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from evidencetracker.config import config_dir


def settings() -> QSettings:
    return QSettings(str(config_dir() / "window-state.ini"), QSettings.Format.IniFormat)


def save_state(
    window: QMainWindow, splitters: list[QSplitter], headers: dict[str, QHeaderView]
) -> None:
    s = settings()
    s.setValue("main/geometry", window.saveGeometry())
    s.setValue("main/state", window.saveState())
    for splitter in splitters:
        s.setValue(f"splitter/{splitter.objectName()}", splitter.saveState())
    for name, header in headers.items():
        s.setValue(f"header/{name}", header.saveState())
    s.sync()


def _bytes(s: QSettings, key: str) -> QByteArray | None:
    value = s.value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore_window(window: QMainWindow) -> bool:
    """Restore the window's geometry and bars; False when nothing was saved (first run).

    Dock widgets made later are put back by ``QMainWindow.restoreDockWidget``.
    """
    s = settings()
    geometry = _bytes(s, "main/geometry")
    if geometry is None:
        return False
    window.restoreGeometry(geometry)
    state = _bytes(s, "main/state")
    if state is not None:
        window.restoreState(state)
    return True


def restore_layout(splitters: list[QSplitter], headers: dict[str, QHeaderView]) -> bool:
    """Restore splitter positions and column layouts; False when none were saved."""
    s = settings()
    found = False
    for splitter in splitters:
        saved = _bytes(s, f"splitter/{splitter.objectName()}")
        if saved is not None:
            found = splitter.restoreState(saved) or found
    for name, header in headers.items():
        saved = _bytes(s, f"header/{name}")
        if saved is not None:
            header.restoreState(saved)
    return found
