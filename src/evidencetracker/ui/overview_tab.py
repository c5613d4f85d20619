"""The Overview tab: every field of a strategy, and its tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from evidencetracker.domain import schema
from evidencetracker.domain.records import StrategyDetail
from evidencetracker.ui.editable import Editable, tag_list
from evidencetracker.ui.forms import FieldForm

if TYPE_CHECKING:
    from evidencetracker.ui.strategy_editor import StrategyEditor


class OverviewTab(QWidget):
    def __init__(self, editor: StrategyEditor):
        super().__init__()
        self.editor = editor
        self.form = FieldForm(schema.STRATEGY, name_prefix="strategy_")
        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("strategy_tags")
        self.tags_edit.setPlaceholderText("Comma-separated, e.g. supply chains, recruitment")
        self.tags_edit.setAccessibleName("Tags")
        tags_label = QLabel("Tags:")
        tags_label.setBuddy(self.tags_edit)
        self.form.layout_.addRow(tags_label, self.tags_edit)
        QWidget.setTabOrder(self.form.inputs["confidential"], self.tags_edit)
        self.editable = editor.register(
            Editable(self.form, editor.services.strategies, "strategy", self.tags_edit)
        )

        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.addWidget(self.form)
        area.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)

    def show_strategy(self, detail: StrategyDetail) -> None:
        self.editable.bind(detail.strategy)

    def show_new(self, currency: str) -> None:
        self.editable.record = None
        self.form.set_values({"cost_currency": currency})
        self.tags_edit.clear()

    def tags(self) -> list[str]:
        return tag_list(self.tags_edit.text())
