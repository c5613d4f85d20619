"""Composition root of the desktop app: preferences, database, services, then the UI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from evidencetracker import __version__
from evidencetracker.config import default_database_path, load_preferences, save_preferences
from evidencetracker.db.engine import database_url, sqlite_path


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="evidencetracker", description="EvidenceTracker desktop")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="database file or SQLAlchemy URL")
    parser.add_argument("--version", action="version", version=__version__)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from evidencetracker.ui import application  # Qt is loaded only for the desktop app

    prefs = load_preferences()
    target = args.db or prefs.database or str(default_database_path())
    path = sqlite_path(database_url(target))
    first_run = path is not None and not path.exists()
    services = application.open_at_startup(target, author=lambda: prefs.author_name)
    if services is None:
        return 1
    if not args.db and path is not None:
        prefs.remember_database(str(path))
        save_preferences(prefs)
    return application.run(services, first_run)
