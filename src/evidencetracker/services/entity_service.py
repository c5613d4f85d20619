"""The shared shape of a service for one entity: get, update, delete, restore, purge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from evidencetracker.services import crud
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.crud import Kind


class EntityService:
    """Base for the per-entity services; subclasses add ``create`` with their parent links."""

    kind: ClassVar[Kind]

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def get(self, uid: Any) -> Any:
        with self.ctx.read() as session:
            return crud.to_record(self.kind, crud.load(session, self.kind, uid))

    def update(self, uid: Any, expected_version: int, changes: Mapping[str, Any]) -> Any:
        """Change fields of a record read at ``expected_version`` (ConflictError if it moved on)."""
        with self.ctx.write(f"update {self.kind.entity}") as session:
            row = crud.update(session, self.kind, uid, expected_version, changes, self.ctx.author())
            return crud.to_record(self.kind, row)

    def delete(self, uid: Any) -> None:
        """Trash a trashable record; delete any other for good (with a tombstone)."""
        with self.ctx.write(f"delete {self.kind.entity}") as session:
            if self.kind.trashable:
                crud.trash(session, self.kind, uid, self.ctx.author())
            else:
                crud.purge(session, self.kind, uid, self.ctx.author())

    def restore(self, uid: Any) -> Any:
        with self.ctx.write(f"restore {self.kind.entity}") as session:
            return crud.to_record(
                self.kind, crud.restore(session, self.kind, uid, self.ctx.author())
            )

    def purge(self, uid: Any) -> None:
        with self.ctx.write(f"purge {self.kind.entity}") as session:
            crud.purge(session, self.kind, uid, self.ctx.author())

    def _create(self, session: Any, values: Mapping[str, Any], **links: Any) -> Any:
        return crud.create(session, self.kind, values, self.ctx.author(), **links)
