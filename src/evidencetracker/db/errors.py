"""Errors raised when a database cannot be opened or upgraded, worded for the person using it."""

from __future__ import annotations


class DatabaseError(Exception):
    """A database could not be opened or used; the message says what happened and what to do."""


class NewerSchemaError(DatabaseError):
    """The database was written by a newer version of EvidenceTracker; it was left untouched."""


class NotADatabaseError(DatabaseError):
    """The file is not an EvidenceTracker database (or not an SQLite file at all)."""


class WrongPassphraseError(DatabaseError):
    """The passphrase does not open the encrypted database (nothing is read in plaintext)."""


class DamagedDatabaseError(DatabaseError):
    """The database file is damaged; it has been renamed ``*.damaged`` and kept."""
