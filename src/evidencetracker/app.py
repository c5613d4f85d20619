"""Entry point of the desktop app: the command line and preferences, then the UI start-up
(``ui.application``), which shows the window before it opens the database."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from evidencetracker import __version__
from evidencetracker.config import default_database_path, load_preferences


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
    # A database named on the command line is opened, not remembered as the one to reopen.
    return application.run(target, prefs, remember=not args.db)
