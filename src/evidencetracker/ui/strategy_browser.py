"""The strategy browser: a text filter (debounced), facet filters and the windowed table."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain import enums as E
from evidencetracker.domain import geography
from evidencetracker.services.container import Services
from evidencetracker.services.strategies import StrategyQuery
from evidencetracker.ui.rating_badge import RatingBadgeDelegate
from evidencetracker.ui.strategy_table_model import COLUMNS, StrategyTableModel
from evidencetracker.ui.tasks import TaskRunner

DEBOUNCE_MS = 250
RATING_COLUMN = [key for key, _ in COLUMNS].index("rating")
ANY = "Any"


def _enum_combo(enum: Any, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(ANY, None)
    for member in enum:
        combo.addItem(member.label, member)
    return combo


class StrategyBrowser(QWidget):
    """Emits ``current_changed(uid)`` when the selected strategy changes."""

    current_changed = Signal(object)
    activated = Signal(object)

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services, self.tasks = services, tasks
        self.model = StrategyTableModel(tasks, lambda: self.services, self)

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filter")
        self.filter_edit.setPlaceholderText("Filter by words in the title or summary (Ctrl+L)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter strategies")
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.filter_edit.textChanged.connect(lambda _: self._debounce.start())

        self.focus_combo = _enum_combo(E.Focus, "P")
        self.type_combo = _enum_combo(E.PartnershipType, "Partnership type")
        self.status_combo = _enum_combo(E.StrategyStatus, "Status")
        self.rating_combo = _enum_combo(E.RatingLevel, "Rating")
        self.geo_combo = QComboBox()
        self.geo_combo.setAccessibleName("Country or region")
        self.geo_combo.addItem(ANY, None)
        for code, name in geography.REGIONS.items():
            self.geo_combo.addItem(f"{name} (region)", code)
        for code, name in sorted(geography.countries().items(), key=lambda kv: kv[1]):
            self.geo_combo.addItem(name, code)
        self.tag_combo = QComboBox()
        self.tag_combo.setAccessibleName("Tag")
        self.tag_combo.addItem(ANY, None)
        self.facets = (
            self.focus_combo,
            self.type_combo,
            self.geo_combo,
            self.status_combo,
            self.rating_combo,
            self.tag_combo,
        )
        for combo in self.facets:
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.currentIndexChanged.connect(lambda _: self.apply_filters())
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)

        self.table = QTableView()
        self.table.setObjectName("strategy_table")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Strategies")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows can be selected (to compare them or export their briefs); the current
        # row is the one the editor shows.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setItemDelegateForColumn(RATING_COLUMN, RatingBadgeDelegate(self.table))
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setObjectName("strategy_header")
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((250, 170, 150, 110, 85, 225, 60, 120)):
            self.table.setColumnWidth(col, width)
        # The rating is what people scan for: show it beside the title unless they moved it.
        header.moveSection(header.visualIndex(RATING_COLUMN), 1)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.table.doubleClicked.connect(
            lambda i: self.activated.emit(self.model.row_record(i.row()).uid)
        )
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of strategies shown")
        # A restriction to a set of strategies (a gap-map cell), shown so it is never invisible.
        self.subset_label = QLabel()
        self.subset_label.setStyleSheet("background: #fff4ce; padding: 3px 6px;")
        self.subset_clear = QPushButton("Show all")
        self.subset_clear.setAccessibleName("Show all strategies again")
        self.subset_clear.clicked.connect(lambda: self.restrict_to((), ""))
        self.subset_bar = QWidget()
        subset_layout = QHBoxLayout(self.subset_bar)
        subset_layout.setContentsMargins(0, 0, 0, 0)
        subset_layout.addWidget(self.subset_label, 1)
        subset_layout.addWidget(self.subset_clear)
        self.subset_bar.hide()
        self.model.loaded.connect(self._on_loaded)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.filter_edit, 0, 0, 1, 3)
        grid.addWidget(self.clear_button, 0, 3)
        names = ("P", "Type", "Country/region", "Status", "Rating", "Tag")
        # Two facets a row keeps the list usable on a small laptop screen.
        for i, (text, combo) in enumerate(zip(names, self.facets, strict=True)):
            label = QLabel(f"{text}:")
            label.setBuddy(combo)
            row, col = 1 + i // 2, (i % 2) * 2
            grid.addWidget(label, row, col, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(combo, row, col + 1)
        for col in (1, 3):
            grid.setColumnStretch(col, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.subset_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._pending_select: Any = None
        self._quiet = False

    # -- queries -----------------------------------------------------------------------------
    def current_query(self) -> StrategyQuery:
        return replace(
            self.model.query,
            text=self.filter_edit.text().strip(),
            focus=self.focus_combo.currentData(),
            partnership_type=self.type_combo.currentData(),
            geography=self.geo_combo.currentData(),
            status=self.status_combo.currentData(),
            rating=self.rating_combo.currentData(),
            tag=self.tag_combo.currentData(),
        )

    def apply_filters(self) -> None:
        self._debounce.stop()
        self._pending_select = self.selected_uid()
        self.model.set_query(self.current_query())

    def restrict_to(self, uids: Any, label: str) -> None:
        """Show only these strategies (empty: all), with a bar saying why and how to undo it."""
        uids = tuple(uids)
        self.subset_label.setText(label)
        self.subset_bar.setVisible(bool(uids))
        self._pending_select = self.selected_uid()
        self.model.set_query(replace(self.current_query(), uids=uids))

    def clear_filters(self) -> None:
        for combo in self.facets:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.restrict_to((), "")

    def refresh(self, select: Any = None) -> None:
        """Re-run the query, keeping as many rows as are loaded and the selection.

        ``select`` is a uid, or a callable giving the uid to select once the rows arrive.
        """
        self._pending_select = select if select is not None else self.selected_uid()
        self.model.reload(keep=self.model.rowCount())
        self.tasks.submit(self.services.strategies.tag_names, self._on_tags)

    def _on_tags(self, names: list[str]) -> None:
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem(ANY, None)
        for name in names:
            self.tag_combo.addItem(name, name)
        i = self.tag_combo.findData(current)
        self.tag_combo.setCurrentIndex(max(i, 0))
        self.tag_combo.blockSignals(False)

    def _on_loaded(self, held: int, total: int) -> None:
        noun = "strategy" if total == 1 else "strategies"
        shown = f"{total:,} {noun}" if held >= total else f"{held:,} of {total:,} {noun}"
        self.count_label.setText(shown)
        pending = self._pending_select
        self._pending_select = None
        uid = pending() if callable(pending) else pending
        if uid is not None:
            self.select(uid)

    # -- selection ---------------------------------------------------------------------------
    def selected_uid(self) -> Any:
        index = self.table.selectionModel().currentIndex()
        record = self.model.row_record(index.row()) if index.isValid() else None
        return record.uid if record is not None else None

    def selected_uids(self) -> list[Any]:
        """Every selected strategy, in the order of the list."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        records = (self.model.row_record(r) for r in rows)
        return [r.uid for r in records if r is not None]

    def select(self, uid: Any) -> bool:
        row = self.model.row_of(uid)
        if row < 0:
            return False
        self._quiet = True
        try:
            self.table.selectRow(row)
        finally:
            self._quiet = False
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_row_changed(self, current: Any, previous: Any) -> None:
        if self._quiet:
            return
        record = self.model.row_record(current.row()) if current.isValid() else None
        self.current_changed.emit(record.uid if record is not None else None)

    def restore_selection(self, uid: Any) -> None:
        """Put the selection back without telling anyone (a cancelled switch)."""
        self.select(uid)
