"""The import wizard's column-mapping page: which spreadsheet column feeds which field.

Columns are matched to fields automatically; a preset (shipped or saved) or another import
type re-matches them, and each column's field can be changed by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from evidencetracker.domain.errors import ValidationError
from evidencetracker.services.importing import CONVERTERS, ImportService, MappingProposal
from evidencetracker.services.importing.reading import read_table
from evidencetracker.ui import dialogs

if TYPE_CHECKING:
    from evidencetracker.ui.import_wizard import ImportWizard

NOT_IMPORTED = "— not imported —"
AUTOMATIC = "Automatic (match column names)"
EXAMPLE_CHARS = 80


def first_values(path: Path) -> dict[str, str]:
    """The first non-blank value of each column, shortened, to help a person map it."""
    sheet = read_table(path)
    found: dict[str, str] = {}
    for row in sheet.rows:
        for header in sheet.headers:
            value = row.cells.get(header)
            if header not in found and value not in (None, "") and str(value).strip():
                text = " ".join(str(value).split())
                found[header] = text[:EXAMPLE_CHARS] + ("…" if len(text) > EXAMPLE_CHARS else "")
        if len(found) == len(sheet.headers):
            break
    return found


class MappingPage(QWizardPage):
    """A table of file column → field (auto-matched), the import type and presets."""

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.setTitle("Match the columns")
        self.setSubTitle(
            "Each column of the file feeds the field chosen for it. Fields marked * must have "
            "a column."
        )
        self.owner = wizard
        self.proposal: MappingProposal | None = None
        self.combos: list[QComboBox] = []
        self._request = 0

        self.preset = QComboBox()
        self.preset.setAccessibleName("Mapping preset")
        self.converter = QComboBox()
        self.converter.setAccessibleName("Import as")
        for name, cls in CONVERTERS.items():
            self.converter.addItem(cls.label, name)
        self.save_button = QPushButton("&Save preset…")
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Column mapping")
        self.table.setHorizontalHeaderLabels(["Column in the file", "First value", "Imports into"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.missing = QLabel("")
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        self.missing.setStyleSheet("color: #a01010;")
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        form = QFormLayout()
        preset_label = QLabel("&Preset:")
        preset_label.setBuddy(self.preset)
        row = QHBoxLayout()
        row.addWidget(self.preset, 1)
        row.addWidget(self.save_button)
        form.addRow(preset_label, row)
        type_label = QLabel("Import &as:")
        type_label.setBuddy(self.converter)
        form.addRow(type_label, self.converter)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.missing)
        layout.addWidget(self.status)

        self.preset.activated.connect(self.on_preset)
        self.converter.activated.connect(self.on_converter)
        self.save_button.clicked.connect(self.save_preset)

    @property
    def importer(self) -> ImportService:
        return ImportService(self.owner.services.ctx)

    # -- loading -------------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        self._fill_presets(self.owner.preset_name)
        self.load(preset=self.owner.preset_name)

    def _fill_presets(self, selected: str | None) -> None:
        self.preset.clear()
        self.preset.addItem(AUTOMATIC, None)
        for p in self.importer.presets():
            self.preset.addItem(f"{p.name} (built in)" if p.shipped else p.name, p.name)
        index = self.preset.findData(selected) if selected else 0
        self.preset.setCurrentIndex(max(index, 0))

    def load(self, preset: str | None = None, converter: str | None = None) -> None:
        """Read the file's columns and match them (for ``preset`` or ``converter``)."""
        path, importer = self.owner.path, self.importer
        self._request += 1
        request = self._request
        self.proposal = None
        self.status.setText(f"Reading {path.name}…")
        self.completeChanged.emit()

        def job() -> tuple[MappingProposal, dict[str, str]]:
            proposal = importer.propose(path, preset=preset, converter=converter)
            return proposal, first_values(path)

        self.owner.tasks.submit(
            job,
            lambda result: self.on_loaded(request, *result),
            lambda exc: self.on_failed(request, exc),
        )

    def on_loaded(self, request: int, proposal: MappingProposal, examples: dict) -> None:
        if request != self._request:
            return
        self.proposal = proposal
        self.converter.setCurrentIndex(self.converter.findData(proposal.converter))
        by_header = {h: f for f, h in proposal.mapping.items()}
        self.table.setRowCount(len(proposal.headers))
        self.combos = []
        for row, header in enumerate(proposal.headers):
            self.table.setItem(row, 0, QTableWidgetItem(header))
            self.table.setItem(row, 1, QTableWidgetItem(examples.get(header, "")))
            combo = QComboBox()
            combo.setAccessibleName(f"Field for column {header}")
            combo.addItem(NOT_IMPORTED, "")
            for f in proposal.fields:
                combo.addItem(f"{f.label} *" if f.required else f.label, f.name)
            combo.setCurrentIndex(max(combo.findData(by_header.get(header, "")), 0))
            combo.currentIndexChanged.connect(lambda _i, r=row: self.on_field_chosen(r))
            self.table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(0, min(max(self.table.columnWidth(0), 140), 260))
        self.table.setColumnWidth(2, 240)
        rows = f"{proposal.rows} row{'' if proposal.rows == 1 else 's'}"
        self.status.setText(
            f"{self.owner.path.name}: {len(proposal.headers)} columns, {rows}"
            + (f", {proposal.encoding}" if proposal.encoding else "")
            + "."
        )
        self._update_missing()

    def on_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.table.setRowCount(0)
        self.combos = []
        self.status.setText(f"This file cannot be imported: {exc}")
        self.missing.setText("")
        self.completeChanged.emit()

    # -- choosing ------------------------------------------------------------------------------
    def on_preset(self, _index: int) -> None:
        name = self.preset.currentData()
        self.owner.preset_name = name
        self.load(preset=name, converter=None if name else self.converter.currentData())

    def on_converter(self, _index: int) -> None:
        self.preset.setCurrentIndex(0)
        self.owner.preset_name = None
        self.load(converter=self.converter.currentData())

    def on_field_chosen(self, row: int) -> None:
        chosen = self.combos[row].currentData()
        if chosen:
            # A field takes one column: the column that had it gives it up.
            for other, combo in enumerate(self.combos):
                if other != row and combo.currentData() == chosen:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self._update_missing()

    def set_field(self, header: str, field: str) -> None:
        """Map ``header`` to ``field`` ('' = not imported), as choosing it in the combo does."""
        row = self.proposal.headers.index(header) if self.proposal else -1
        combo = self.combos[row]
        combo.setCurrentIndex(combo.findData(field))

    def mapping(self) -> dict[str, str]:
        if self.proposal is None:
            return {}
        return {
            combo.currentData(): header
            for header, combo in zip(self.proposal.headers, self.combos, strict=True)
            if combo.currentData()
        }

    def _missing(self) -> list[str]:
        if self.proposal is None:
            return []
        mapped = self.mapping()
        return [f.label for f in self.proposal.fields if f.required and f.name not in mapped]

    def _update_missing(self) -> None:
        missing = self._missing()
        self.missing.setText(("Still needs a column: " + ", ".join(missing)) if missing else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.proposal is not None and not self._missing()

    def validatePage(self) -> bool:  # noqa: N802
        if not self.isComplete():
            return False  # also when next() is called directly, not only by the button
        self.owner.converter = self.proposal.converter if self.proposal else None
        self.owner.mapping = self.mapping()
        return True

    def save_preset(self) -> None:
        if self.proposal is None:
            return
        name = dialogs.ask_text(self, "Save mapping preset", "Name of the preset:")
        if not name:
            return
        try:
            saved = self.importer.save_preset(name.strip(), self.proposal.converter, self.mapping())
        except ValidationError as exc:
            self.status.setText(f"Preset not saved: {exc}")
            return
        self._fill_presets(saved.name)
        self.owner.preset_name = saved.name
        self.status.setText(f"Saved the preset '{saved.name}'.")
