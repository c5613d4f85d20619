"""Forms generated from the schema's field declarations, with the error shown next to each field.

A field is declared once in ``domain/schema.py``; this module turns each kind into an input,
reads raw values back (the services validate them with ``fields.clean``), and shows the
ValidationError message of each field right below its input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.errors import ValidationError
from evidencetracker.domain.fields import Field
from evidencetracker.domain.schema import NO_PERSONAL_DATA_HINT
from evidencetracker.ui.pickers import CheckList, GeoPicker

ERROR_STYLE = "color: #b00020;"
HINT_STYLE = "color: #5a5a5a; font-style: italic;"
NO_VALUE = "—"


def format_value(value: Any) -> str:
    """A stored value as a person reads it (also used by the conflict and history views)."""
    if value is None or value == "" or value == ():
        return NO_VALUE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Enum):
        return getattr(value, "label", str(value.value))
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple | list):
        return ", ".join(format_value(v) for v in value) or NO_VALUE
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or NO_VALUE
    return str(value)


def _text_of(f: Field, value: Any) -> str:
    if value is None:
        return ""
    if f.kind == "float":
        return f"{value:g}"
    if f.kind == "decimal":
        return f"{value:.2f}"
    if f.kind == "json":
        return ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in value.items()
        )
    return str(value.isoformat() if isinstance(value, date) else value)


def _parse_pairs(text: str) -> dict[str, Any] | None:
    """'women=4, men=6' as a table; numbers where they parse (the service checks the rest)."""
    result: dict[str, Any] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, _, raw = part.partition("=")
        try:
            result[key.strip()] = float(raw.strip())
        except ValueError:
            result[key.strip()] = raw.strip()
    return result or None


class FieldForm(QWidget):
    """Inputs for a tuple of Fields; ``changed`` fires on any edit by the person."""

    changed = Signal()

    def __init__(
        self,
        fields: Iterable[Field],
        parent: QWidget | None = None,
        *,
        show_hint: bool = True,
        name_prefix: str = "",
    ):
        super().__init__(parent)
        self.fields = tuple(fields)
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self._loaded: dict[str, Any] = {}
        self._loading = False

        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.general_error)
        if show_hint and any(f.kind == "longtext" for f in self.fields):
            hint = QLabel("Privacy: " + NO_PERSONAL_DATA_HINT)
            hint.setWordWrap(True)
            hint.setStyleSheet(HINT_STYLE)
            outer.addWidget(hint)
            self.hint = hint
        self.layout_ = QFormLayout()
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        outer.addLayout(self.layout_)
        outer.addStretch(1)

        previous: QWidget | None = None
        for f in self.fields:
            widget = self._make_input(f)
            widget.setObjectName(f"{name_prefix}{f.name}")
            error = QLabel()
            error.setObjectName(f"{name_prefix}{f.name}_error")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(error)
            text = "" if f.kind == "bool" else f"{f.label}{' *' if f.required else ''}:"
            label = QLabel(text)
            label.setBuddy(self._focus_target(widget))
            widget.setAccessibleName(f.label)
            self.layout_.addRow(label, cell)
            self.inputs[f.name], self.errors[f.name], self.labels[f.name] = widget, error, label
            target = self._focus_target(widget)
            if previous is not None:
                QWidget.setTabOrder(previous, target)
            previous = self._last_focus(widget)

    # -- building ----------------------------------------------------------------------------
    def _make_input(self, f: Field) -> QWidget:
        if f.kind == "longtext":
            w: QWidget = QPlainTextEdit()
            w.setTabChangesFocus(True)
            w.setPlaceholderText(NO_PERSONAL_DATA_HINT)
            w.setFixedHeight(64 if (f.max_length or 0) < 50_000 else 96)
            w.textChanged.connect(self._edited)
        elif f.kind == "enum":
            w = QComboBox()
            if not f.required:
                w.addItem(NO_VALUE, None)
            for member in f.enum:  # type: ignore[union-attr]
                w.addItem(member.label, member.value)
            w.currentIndexChanged.connect(self._edited)
        elif f.kind == "enumset":
            w = CheckList(f.enum, columns=2)  # type: ignore[arg-type]
            w.changed.connect(self._edited)
        elif f.kind == "geo":
            w = GeoPicker()
            w.changed.connect(self._edited)
            w.input.textEdited.connect(self._edited)
        elif f.kind == "bool":
            w = QCheckBox(f.label)
            w.toggled.connect(self._edited)
        else:
            w = QLineEdit()
            if f.max_length:
                w.setMaxLength(f.max_length)
            if f.kind == "date":
                w.setPlaceholderText("YYYY-MM-DD")
            elif f.kind == "currency":
                w.setPlaceholderText("e.g. USD")
                w.setMaxLength(3)
            elif f.kind == "json":
                w.setPlaceholderText("e.g. women=4, men=6")
            w.textEdited.connect(self._edited)
        return w

    @staticmethod
    def _focus_target(widget: QWidget) -> QWidget:
        if isinstance(widget, GeoPicker):
            return widget.input
        if isinstance(widget, CheckList):
            return widget.first_box()
        return widget

    @staticmethod
    def _last_focus(widget: QWidget) -> QWidget:
        if isinstance(widget, GeoPicker):
            return widget.list
        if isinstance(widget, CheckList):
            return list(widget.boxes.values())[-1]
        return widget

    def _edited(self, *_: Any) -> None:
        if not self._loading:
            self.changed.emit()

    # -- values ------------------------------------------------------------------------------
    def raw_value(self, name: str) -> Any:
        f = next(f for f in self.fields if f.name == name)
        w = self.inputs[name]
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, CheckList | GeoPicker):
            return w.value()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        text = w.text().strip()  # type: ignore[attr-defined]
        if f.kind == "json":
            return _parse_pairs(text)
        return text or None

    def values(self) -> dict[str, Any]:
        return {f.name: self.raw_value(f.name) for f in self.fields}

    def set_values(self, source: Any) -> None:
        """Fill from a record or a mapping; what was filled becomes the unchanged state."""
        self._loading = True
        try:
            for f in self.fields:
                if isinstance(source, Mapping):
                    value = source.get(f.name, f.empty_value())
                else:
                    value = getattr(source, f.name, f.empty_value())
                self._set(f, value)
        finally:
            self._loading = False
        self.clear_errors()
        self._loaded = self.values()

    def _set(self, f: Field, value: Any) -> None:
        w = self.inputs[f.name]
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(value or "")
        elif isinstance(w, QComboBox):
            wanted = getattr(value, "value", value)
            i = w.findData(wanted)
            w.setCurrentIndex(i if i >= 0 else 0)
        elif isinstance(w, CheckList | GeoPicker):
            w.set_value(value or ())
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        else:
            w.setText(_text_of(f, value))  # type: ignore[attr-defined]
            w.setCursorPosition(0)  # type: ignore[attr-defined]  # show the start of long text

    def set_field(self, name: str, value: Any) -> None:
        """Set one input as if the person had typed it (marks the form changed)."""
        f = next(f for f in self.fields if f.name == name)
        self._set(f, value)
        self.changed.emit()

    def changes(self) -> dict[str, Any]:
        """Only the fields the person changed since the last ``set_values``."""
        now = self.values()
        return {name: value for name, value in now.items() if value != self._loaded.get(name)}

    def is_changed(self) -> bool:
        return bool(self.changes())

    # -- errors ------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
        for w in self.inputs.values():
            w.setAccessibleDescription("")
        self.general_error.clear()
        self.general_error.hide()

    def show_errors(self, error: ValidationError) -> None:
        """Each message below its field; messages for fields not on this form at the top."""
        self.clear_errors()
        first: QWidget | None = None
        general = []
        for e in error.errors:
            label = self.errors.get(e.field)
            if label is None:
                general.append(e.message)
                continue
            label.setText(e.message)
            label.show()
            self.inputs[e.field].setAccessibleDescription(e.message)
            first = first or self._focus_target(self.inputs[e.field])
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()
        if first is not None:
            first.setFocus()

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""
