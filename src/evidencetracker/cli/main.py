"""Entry point of evidencetracker-cli: parse, open the database, run a command, map errors."""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from evidencetracker import __version__
from evidencetracker import cli as cli_package
from evidencetracker.config import default_database_path, load_preferences
from evidencetracker.db.engine import database_url, network_warning, sqlite_path
from evidencetracker.db.errors import DatabaseError
from evidencetracker.domain.errors import (
    ConflictError,
    NotFoundError,
    ServiceError,
    StorageError,
    ValidationError,
)
from evidencetracker.services.container import Services

PASSPHRASE_VARIABLE = "EVIDENCETRACKER_PASSPHRASE"
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_DATABASE, EXIT_INVALID = 0, 1, 2, 3, 4, 5


def command_modules() -> list:
    """Every ``cli/commands_*.py`` module; each registers its own sub-commands.

    The foundation commands (init, list, show) come first in the help; the rest by module name.
    """
    names = sorted(
        (
            m.name
            for m in pkgutil.iter_modules(cli_package.__path__)
            if m.name.startswith("commands_")
        ),
        key=lambda name: (name != "commands_core", name),
    )
    return [importlib.import_module(f"{cli_package.__name__}.{name}") for name in names]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidencetracker-cli",
        description="EvidenceTracker: document which anti-trafficking partnership strategies work.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help=f"database file or SQLAlchemy URL (default: {default_database_path()})",
    )
    parser.add_argument(
        "--encrypted",
        action="store_true",
        help="the database is (or is to be created) encrypted with SQLCipher; the passphrase "
        f"is read from {PASSPHRASE_VARIABLE} or asked for, and never stored",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    target = args.db or str(default_database_path())
    prefs = load_preferences()
    path = sqlite_path(database_url(target))
    warning = network_warning(path) if path is not None else None
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    key = None
    if args.encrypted:
        key = os.environ.get(PASSPHRASE_VARIABLE) or getpass.getpass("Passphrase: ")
    try:
        services = Services.open(
            target,
            author=prefs.author_name or "evidencetracker-cli",
            create=args.command == "init" or args.db is None,
            key=key,
        )
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    try:
        return args.func(services, args)
    except NotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except (ValidationError, ConflictError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except (StorageError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        services.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
