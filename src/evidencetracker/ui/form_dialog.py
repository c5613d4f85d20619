"""A dialog that creates one record from a schema form; errors stay next to their fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.errors import ServiceError, ValidationError
from evidencetracker.domain.fields import Field
from evidencetracker.ui.forms import FieldForm
from evidencetracker.ui.tasks import TaskRunner


class FormDialog(QDialog):
    """Collects values, runs ``submit(values)`` on the worker, closes only when it succeeds."""

    def __init__(
        self,
        title: str,
        fields: Iterable[Field],
        tasks: TaskRunner,
        submit: Callable[[dict[str, Any]], Any],
        on_saved: Callable[[Any], None],
        parent: QWidget | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
        extra: QWidget | None = None,
        scroll: bool = False,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.tasks, self.submit, self.on_saved = tasks, submit, on_saved
        self.form = FieldForm(fields)
        if initial is not None:
            self.form.set_values(initial)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if extra is not None:
            layout.addWidget(extra)
        if scroll:
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setWidget(self.form)
            layout.addWidget(area, 1)
            self.resize(640, 640)
        else:
            layout.addWidget(self.form, 1)
            self.resize(520, self.sizeHint().height())
        layout.addWidget(self.buttons)
        self.busy = False

    def extra_values(self) -> dict[str, Any]:
        """Override point for values from ``extra`` widgets (merged into the submitted values)."""
        return {}

    def on_ok(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.buttons.setEnabled(False)
        values = {**self.form.values(), **self.extra_values()}
        self.tasks.submit(lambda: self.submit(values), self._on_done, self._on_error)

    def _on_done(self, result: Any) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.accept()
        self.on_saved(result)

    def _on_error(self, exc: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, ServiceError):
            self.form.general_error.setText(str(exc))
            self.form.general_error.show()
        else:
            raise exc
