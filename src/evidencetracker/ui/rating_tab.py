"""The Rating tab: each outcome's level and certainty, the studies counted, the reasons, and the
reviewer's override beside the computed rating; external ratings listed beside the app's own."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evidencetracker.domain.rating_records import OutcomeRatingView, StrategyRatings, rating_text
from evidencetracker.ui import dialogs
from evidencetracker.ui.override_dialog import OverrideDialog
from evidencetracker.ui.rating_badge import RatingBadge
from evidencetracker.ui.tasks import TaskRunner


def strategy_uid_of(value: Any) -> Any:
    """The strategy uid of a StrategyDetail, a strategy record or summary, or a uid itself."""
    strategy = getattr(value, "strategy", None)
    if strategy is not None and hasattr(strategy, "uid"):
        return strategy.uid
    return getattr(value, "uid", value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class OutcomeRatingCard(QFrame):
    """One outcome: its rating badge, the override and computed rating, studies, trace."""

    override_requested = Signal(object)  # OutcomeRatingView
    withdraw_requested = Signal(object)

    def __init__(self, view: OutcomeRatingView, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.setObjectName("outcomeCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#outcomeCard { background: #ffffff; border: 1px solid #d0d7de; }")
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        self.badge = RatingBadge(view.effective_level, view.effective_certainty)
        head.addWidget(self.badge)
        title = QLabel(f"<b>{_escape(view.title)}</b>")
        title.setWordWrap(True)
        head.addWidget(title, 1)
        tags = [view.outcome_level.label, view.focus.label] + (["primary"] if view.primary else [])
        meta = QLabel(" \u00b7 ".join(tags))
        meta.setStyleSheet("color: #57606a;")
        head.addWidget(meta)
        layout.addLayout(head)

        if view.override is not None:
            ov = view.override
            when = ov.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            box = QLabel(
                f"<b>Reviewer override in force</b> by {_escape(ov.reviewer or 'unknown')} on "
                f"{when}: {_escape(rating_text(ov.level, ov.certainty))}.<br>"
                f"<i>Justification:</i> {_escape(ov.justification)}"
            )
            box.setWordWrap(True)
            box.setObjectName("overrideBox")
            box.setStyleSheet(
                "#overrideBox { background: #fff8e1; border: 1px solid #f0c36d; padding: 6px; }"
            )
            layout.addWidget(box)
            computed = QHBoxLayout()
            computed.addWidget(QLabel("Computed by the rubric:"))
            self.computed_badge = RatingBadge(view.level, view.certainty)
            computed.addWidget(self.computed_badge)
            computed.addStretch(1)
            layout.addLayout(computed)

        self.studies = QTableWidget(len(view.studies), 4)
        self.studies.setHorizontalHeaderLabels(["Study counted", "Score", "Verdict", "Design"])
        self.studies.verticalHeader().setVisible(False)
        self.studies.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.studies.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.studies.setAccessibleName(f"Studies counted for {view.title}")
        for row, s in enumerate(view.studies):
            design = s.design.label if s.design else "-"
            for col, text in enumerate((s.label, str(s.score), s.verdict.label, design)):
                self.studies.setItem(row, col, QTableWidgetItem(text))
        header = self.studies.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.studies.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows_height = sum(self.studies.rowHeight(r) for r in range(len(view.studies)))
        self.studies.setFixedHeight(header.sizeHint().height() + rows_height + 4)
        layout.addWidget(self.studies)
        # Only after it has a parent: shown while parentless it would flash up as its own
        # window and take activation away from the main window.
        self.studies.setVisible(bool(view.studies))

        self.trace = QLabel(f"<b>Why:</b> {_escape(view.trace)}")
        self.trace.setWordWrap(True)
        self.trace.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.trace)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.override_button = QPushButton("Override\u2026")
        self.override_button.setAccessibleName(f"Override the rating of {view.title}")
        self.override_button.clicked.connect(lambda: self.override_requested.emit(self.view))
        self.withdraw_button = QPushButton("Withdraw override")
        self.withdraw_button.setEnabled(view.override is not None)
        self.withdraw_button.clicked.connect(lambda: self.withdraw_requested.emit(self.view))
        buttons.addWidget(self.override_button)
        buttons.addWidget(self.withdraw_button)
        layout.addLayout(buttons)


class RatingTab(QWidget):
    """Shows one strategy's ratings; overrides and withdrawals go through the worker."""

    changed = Signal()  # an override was written or withdrawn

    def __init__(self, services: Any, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.ratings: StrategyRatings | None = None
        self.cards: list[OutcomeRatingCard] = []
        self.dialog: OverrideDialog | None = None
        self._uid: Any = None
        self._request = 0

        self.title = QLabel("Choose a strategy to see its ratings.")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setWordWrap(True)
        self.headline = RatingBadge()
        self.headline.setVisible(False)
        self.headline_note = QLabel("")
        self.headline_note.setStyleSheet("color: #57606a;")
        self.status = QLabel("")
        self.status.setStyleSheet("color: #57606a;")

        head = QHBoxLayout()
        head.addWidget(QLabel("Headline rating:"))
        head.addWidget(self.headline)
        head.addWidget(self.headline_note, 1)

        self.outcomes_box = QWidget()
        self.outcomes_layout = QVBoxLayout(self.outcomes_box)
        self.outcomes_layout.setContentsMargins(0, 0, 0, 0)
        self.outcomes_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.outcomes_box)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.external = QGroupBox("External ratings")
        self.external.setToolTip("Recorded with their source; they never feed the app's rubric.")
        self.external_label = QLabel("")
        self.external_label.setWordWrap(True)
        self.external_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.external_label.setOpenExternalLinks(False)
        external_layout = QVBoxLayout(self.external)
        external_layout.addWidget(self.external_label)
        external_layout.addStretch(1)
        self.external.setMinimumWidth(260)
        self.external.setMaximumWidth(340)

        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addWidget(self.external)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(head)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)

    # -- loading -----------------------------------------------------------------------------
    def show_strategy(self, detail_or_uid: Any) -> None:
        """Load and show the ratings of a strategy (a StrategyDetail, record, summary or uid).

        Inside the editor the tab loads only when it is shown: building the cards of a strategy
        with hundreds of studies is work nobody asked for while another tab is open.
        """
        self._uid = strategy_uid_of(detail_or_uid)
        self._stale = True
        if self.isVisible() or self.parent() is None:
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self.refresh()

    def refresh(self) -> None:
        if self._uid is None:
            return
        self._stale = False
        self._request += 1
        request, uid = self._request, self._uid
        self.status.setText("Loading ratings\u2026")
        self.tasks.submit(
            lambda: self.services.ratings.for_strategy(uid),
            lambda result: self._on_loaded(request, result),
            self._on_error,
        )

    def _on_loaded(self, request: int, ratings: StrategyRatings) -> None:
        if request != self._request:
            return  # an older request: the person has moved on
        self.ratings = ratings
        self.title.setText(ratings.title)
        self.headline.set_rating(
            ratings.headline_level, ratings.headline_certainty, ratings.harm_flag
        )
        self.headline.setVisible(True)
        note = "the best rating among the primary outcomes"
        if ratings.harm_flag:
            note += "; an outcome is rated Harmful"
        self.headline_note.setText(f"{note} (rubric version {ratings.rubric_version})")
        for card in self.cards:
            self.outcomes_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for view in ratings.outcomes:
            card = OutcomeRatingCard(view)
            card.override_requested.connect(self.open_override_dialog)
            card.withdraw_requested.connect(self.withdraw_override)
            self.outcomes_layout.insertWidget(self.outcomes_layout.count() - 1, card)
            self.cards.append(card)
        self._show_external(ratings)
        self.status.setText(
            f"{len(ratings.outcomes)} outcomes" if ratings.outcomes else "No outcomes recorded yet."
        )

    def _show_external(self, ratings: StrategyRatings) -> None:
        if not ratings.external_ratings:
            self.external_label.setText("<i>None recorded.</i>")
            return
        items = []
        for x in ratings.external_ratings:
            line = f"<b>{_escape(x.source.label)}</b>: {_escape(x.rating)}"
            if x.rated_on:
                line += f" ({x.rated_on})"
            if x.url:
                line += f"<br><span style='color:#57606a'>{_escape(x.url)}</span>"
            items.append(line)
        self.external_label.setText(
            "<br><br>".join(items)
            + "<br><br><span style='color:#57606a'>Shown beside the app's own ratings; they "
            "never feed the rubric.</span>"
        )

    def _on_error(self, exc: BaseException) -> None:
        self.status.setText(f"Error: {exc}")

    # -- overrides ---------------------------------------------------------------------------
    def open_override_dialog(self, view: OutcomeRatingView) -> OverrideDialog:
        """Open the override dialog (window-modal, not blocking); OK writes the override."""
        dialog = OverrideDialog(view, self)
        dialog.accepted.connect(lambda: self._write_override(view, dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write_override(self, view: OutcomeRatingView, dialog: OverrideDialog) -> None:
        level, certainty, justification = dialog.values()
        self.status.setText("Saving the override\u2026")
        self.tasks.submit(
            lambda: self.services.ratings.override(
                view.outcome_uid, level, justification, certainty
            ),
            self._on_written,
            self._on_write_error,
        )

    def withdraw_override(self, view: OutcomeRatingView) -> None:
        if view.override is None:
            return
        if not dialogs.ask_yes_no(
            self,
            "Withdraw override",
            f"Go back to the computed rating of \u201c{view.title}\u201d "
            f"({rating_text(view.level, view.certainty)})? The override stays in the record.",
        ):
            return
        self.tasks.submit(
            lambda: self.services.ratings.clear_override(view.outcome_uid),
            self._on_written,
            self._on_write_error,
        )

    def _on_written(self, _result: Any) -> None:
        self.changed.emit()
        self.refresh()

    def _on_write_error(self, exc: BaseException) -> None:
        self.status.setText(f"Not saved: {exc}")
        dialogs.show_error(self, "The rating could not be changed", str(exc))
