"""Multi-value inputs: a set of enum members as check boxes, and a country/region picker."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain import geography


class CheckList(QWidget):
    """One check box per member of an enum (the 4Ps, sectors); value is a tuple of values."""

    changed = Signal()

    def __init__(self, enum: type[Enum], columns: int = 2, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(16)
        self.boxes: dict[str, QCheckBox] = {}
        for i, member in enumerate(enum):
            box = QCheckBox(member.label)  # type: ignore[attr-defined]
            box.toggled.connect(self.changed)
            layout.addWidget(box, i // columns, i % columns)
            self.boxes[member.value] = box

    def value(self) -> tuple[str, ...]:
        return tuple(sorted(v for v, box in self.boxes.items() if box.isChecked()))

    def set_value(self, values: Iterable[str]) -> None:
        wanted = {str(getattr(v, "value", v)) for v in values or ()}
        for v, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(v in wanted)
            box.blockSignals(False)

    def first_box(self) -> QCheckBox:
        return next(iter(self.boxes.values()))

    def setAccessibleName(self, name: str) -> None:  # noqa: N802
        super().setAccessibleName(name)
        for box in self.boxes.values():
            box.setAccessibleDescription(name)


def geo_choices() -> list[str]:
    """'Name (CODE)' for every region, then every country, as the picker offers them."""
    regions = [f"{name} ({code})" for code, name in geography.REGIONS.items()]
    countries = sorted(f"{name} ({code})" for code, name in geography.countries().items())
    return regions + countries


def code_of_choice(text: str) -> str:
    """The code in 'Name (CODE)', or the text itself normalised (a typed code or name)."""
    text = text.strip()
    if text.endswith(")") and "(" in text:
        return text[text.rindex("(") + 1 : -1]
    return geography.normalise(text)


class GeoPicker(QWidget):
    """Countries (ISO 3166) and regions (UN M49): type to complete, Enter or Add to add."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Type a country or region, then Enter")
        completer = QCompleter(QStringListModel(geo_choices(), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.input.setCompleter(completer)
        self.input.returnPressed.connect(self.add_typed)
        self.add_button = QPushButton("Add")
        self.add_button.setAccessibleName("Add country or region")
        self.add_button.clicked.connect(self.add_typed)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove selected country or region")
        self.remove_button.clicked.connect(self.remove_selected)
        self.list = QListWidget()
        self.list.setAccessibleName("Chosen countries and regions")
        self.list.setMaximumHeight(76)
        self.problem = ""

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.input, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.list)

    def add_typed(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        try:
            code = code_of_choice(text)
        except ValueError as exc:
            self.problem = str(exc)
            self.input.setToolTip(self.problem)
            return
        self.problem = ""
        self.input.clear()
        if code not in self.value():
            self._add(code)
            self.changed.emit()

    def _add(self, code: str) -> None:
        item = QListWidgetItem(f"{geography.name_of(code)} ({code})")
        item.setData(Qt.ItemDataRole.UserRole, code)
        self.list.addItem(item)

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self.changed.emit()

    def value(self) -> tuple[str, ...]:
        codes = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        pending = self.input.text().strip()
        if pending:  # typed but not yet added: keep it, so that Save never drops it silently
            try:
                codes.append(code_of_choice(pending))
            except ValueError:
                codes.append(pending)  # the service names the problem next to the field
        return tuple(codes)

    def set_value(self, codes: Iterable[str]) -> None:
        self.list.clear()
        self.input.clear()
        for code in codes or ():
            self._add(code)
