"""Immutable records of a side-by-side comparison of strategies, of saved comparison sets, and
of the evidence gap map."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from evidencetracker.domain import enums as E
from evidencetracker.domain.fields import Field

MIN_COMPARED, MAX_COMPARED = 2, 6

# The editable fields of a saved comparison set (its strategies are checked by the service).
COMPARISON_SET_FIELDS = (
    Field("name", "Name", "text", required=True, max_length=200),
    Field("notes", "Notes", "longtext", max_length=20_000),
)


@dataclass(frozen=True)
class ComparisonSetRecord:
    """A saved comparison: a name and the 2 to 6 strategies it puts side by side."""

    uid: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
    name: str = ""
    notes: str = ""
    strategy_uids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class OutcomeRatingCell:
    """An outcome's rating as the comparison shows it: the override's when one is in force."""

    title: str
    focus: E.Focus
    primary: bool
    level: E.RatingLevel
    certainty: E.Certainty | None
    overridden: bool


@dataclass(frozen=True)
class StrongestFinding:
    """The finding a comparison puts forward for a strategy (see ComparisonService.compare)."""

    outcome_title: str
    source_label: str
    score: int
    effect_size: float | None
    effect_size_type: E.EffectSizeType | None


@dataclass(frozen=True)
class IndicatorProgress:
    """An indicator's latest value against its baseline and target.

    ``fraction`` is (latest - baseline) / (target - baseline): 0 at the baseline, 1 at the
    target, negative when the indicator moved away from it; None when a value is missing or the
    target equals the baseline.
    """

    outcome_title: str
    name: str
    unit: str
    baseline: float | None
    target: float | None
    latest: float | None
    latest_period: str | None
    fraction: float | None


@dataclass(frozen=True)
class ComparedStrategy:
    """One strategy's column in a comparison."""

    uid: uuid.UUID
    title: str
    is_sample: bool
    headline_level: E.RatingLevel
    headline_certainty: E.Certainty | None
    harm_flag: bool
    outcome_ratings: tuple[OutcomeRatingCell, ...]
    studies_by_score: tuple[int, ...]  # index = study score 0..5
    strongest_finding: StrongestFinding | None
    indicator_progress: tuple[IndicatorProgress, ...]
    cost_amount: Decimal | None
    cost_currency: str | None
    partners: tuple[str, ...]  # "Organisation (role)", the lead first
    partnership_type: E.PartnershipType
    focus: tuple[str, ...]
    geography: tuple[str, ...]
    period_start: date | None
    period_end: date | None
    status: E.StrategyStatus

    @property
    def study_count(self) -> int:
        return sum(self.studies_by_score)


@dataclass(frozen=True)
class ComparisonRow:
    """One row of the side-by-side table: a label and one text per strategy, in order."""

    key: str
    label: str
    values: tuple[str, ...]
    differs: bool


@dataclass(frozen=True)
class Comparison:
    """Strategies side by side, with the rows whose values differ marked for highlighting.

    ``missing`` lists the uids of a reopened set's strategies that no longer exist (trashed or
    purged); they are left out of ``strategies``.
    """

    strategies: tuple[ComparedStrategy, ...]
    rows: tuple[ComparisonRow, ...]
    missing: tuple[uuid.UUID, ...] = ()

    def row(self, key: str) -> ComparisonRow:
        return next(r for r in self.rows if r.key == key)

    @property
    def differing_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows if r.differs)


@dataclass(frozen=True)
class GapCell:
    """One cell of the gap map: a row category (partnership type or outcome level) x one P.

    ``studies`` counts distinct evidence sources, not in the Trash, with at least one finding on
    a (non-trashed) outcome of the cell; ``strategy_uids`` are the strategies with such an
    outcome; ``best_level`` is the best effective level (override first) among those outcomes,
    None when none of them is rated. A cell without studies is empty: an evidence gap.
    """

    row: str
    focus: E.Focus
    studies: int
    strategy_uids: tuple[uuid.UUID, ...]
    best_level: E.RatingLevel | None
    harm: bool = False

    @property
    def strategies(self) -> int:
        return len(self.strategy_uids)

    @property
    def empty(self) -> bool:
        return self.studies == 0


@dataclass(frozen=True)
class GapMap:
    """The matrix: ``rows`` (enum values) x ``columns`` (the 4Ps), every cell present."""

    layout: str
    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[E.Focus, ...]
    cells: tuple[GapCell, ...]

    def cell(self, row: str, focus: E.Focus | str) -> GapCell:
        wanted = E.Focus(focus)
        for c in self.cells:
            if c.row == row and c.focus is wanted:
                return c
        raise KeyError((row, focus))

    @property
    def max_studies(self) -> int:
        return max((c.studies for c in self.cells), default=0)
