"""Errors that services raise, worded for the person who caused them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""


class ValidationError(ServiceError):
    """One or more fields are invalid; each error names its field."""

    def __init__(self, errors: list[FieldError] | FieldError):
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__("; ".join(e.message for e in self.errors))

    def for_field(self, field: str) -> str | None:
        return next((e.message for e in self.errors if e.field == field), None)


class NotFoundError(ServiceError):
    def __init__(self, entity: str, uid: Any):
        self.entity, self.uid = entity, uid
        super().__init__(f"No {entity} with ID {uid}")


@dataclass(frozen=True)
class FieldConflict:
    field: str
    yours: Any
    theirs: Any


class ConflictError(ServiceError):
    """The record changed since it was read: nothing was written.

    ``conflicts`` lists each field being saved whose stored value differs from the one being
    written, with both values, so the person can choose.
    """

    def __init__(
        self,
        entity: str,
        uid: Any,
        expected_version: int,
        actual_version: int,
        conflicts: list[FieldConflict],
        current: Any = None,
    ):
        self.entity, self.uid = entity, uid
        self.expected_version, self.actual_version = expected_version, actual_version
        self.conflicts, self.current = conflicts, current
        fields = ", ".join(c.field for c in conflicts) or "no field you changed"
        super().__init__(
            f"This {entity} was changed elsewhere (version {actual_version}, you edited "
            f"version {expected_version}); fields in conflict: {fields}. Nothing was saved."
        )


class StorageError(ServiceError):
    """The database could not be written (disk full, read-only, locked)."""
