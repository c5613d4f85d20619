"""One record being edited in a form: what changed, its earlier values, and where to save it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit

from evidencetracker.ui.forms import FieldForm


def tag_list(text: str) -> list[str]:
    return sorted({t.strip() for t in text.split(",") if t.strip()})


class Editable:
    """A FieldForm bound to a record of ``service`` (an entity service with ``update``)."""

    def __init__(
        self, form: FieldForm, service: Any, entity: str, tags_edit: QLineEdit | None = None
    ):
        self.form, self.service, self.entity, self.tags_edit = form, service, entity, tags_edit
        self.record: Any = None

    @property
    def label(self) -> str:
        name = getattr(self.record, "title", None) or getattr(self.record, "name", "")
        return f"{self.entity} '{name}'" if name else self.entity

    def bind(self, record: Any) -> None:
        self.record = record
        if record is None:
            return
        self.form.set_values(record)
        if self.tags_edit is not None:
            self.tags_edit.setText(", ".join(record.tags))

    def changes(self) -> dict[str, Any]:
        if self.record is None:
            return {}
        changes = self.form.changes()
        if self.tags_edit is not None and tag_list(self.tags_edit.text()) != list(self.record.tags):
            changes["tags"] = tag_list(self.tags_edit.text())
        return changes

    def values_of(self, record: Any, names: Any) -> dict[str, Any]:
        """The stored values of ``names`` in ``record`` (what an undo goes back to)."""
        return {n: list(record.tags) if n == "tags" else getattr(record, n, None) for n in names}
