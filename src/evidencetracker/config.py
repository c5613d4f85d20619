"""Where data lives, and the user's preferences (typed, versioned, upgraded in small steps)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs

from evidencetracker.atomic import write_atomic

APP_NAME = "EvidenceTracker"
PREFERENCES_VERSION = 1


def data_dir() -> Path:
    """The folder of the default database and its backups (EVIDENCETRACKER_DATA_DIR overrides)."""
    override = os.environ.get("EVIDENCETRACKER_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def config_dir() -> Path:
    override = os.environ.get("EVIDENCETRACKER_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, False))


def default_database_path() -> Path:
    return data_dir() / "evidencetracker.sqlite"


@dataclass
class Preferences:
    """Every preference, declared once with its default."""

    version: int = PREFERENCES_VERSION
    author_name: str = ""
    default_currency: str = "USD"
    small_cell_k: int = 11
    database: str = ""  # last opened path or URL (never with a password)
    recent_databases: list[str] = field(default_factory=list)
    welcome_done: bool = False
    team_database: str = ""  # the last team database synced with (never with a password)

    def remember_database(self, target: str) -> None:
        self.database = target
        self.recent_databases = [target] + [d for d in self.recent_databases if d != target]
        del self.recent_databases[8:]


# Upgrades from one preferences version to the next: {from_version: function(dict) -> dict}.
UPGRADES: dict[int, object] = {}


def preferences_path() -> Path:
    return config_dir() / "preferences.json"


def load_preferences(path: Path | None = None) -> Preferences:
    """Read preferences; a missing or unreadable file gives the defaults (never a crash)."""
    path = path or preferences_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(raw, dict):
        return Preferences()
    version = int(raw.get("version", 1))
    while version in UPGRADES:
        raw = UPGRADES[version](raw)  # type: ignore[operator]
        version = int(raw["version"])
    known = {f.name: f for f in fields(Preferences)}
    values = {}
    for name, value in raw.items():
        if name in known and isinstance(value, type(getattr(Preferences(), name))):
            values[name] = value
    return Preferences(**values)


def save_preferences(prefs: Preferences, path: Path | None = None) -> None:
    path = path or preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(asdict(prefs), indent=2).encode("utf-8"))
