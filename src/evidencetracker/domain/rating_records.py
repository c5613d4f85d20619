"""Immutable records of a strategy's ratings as the Rating tab, the CLI and reports show them:
per outcome the computed rating with its trace, the override beside it, and the headline."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from evidencetracker.domain import enums as E


def rating_text(level: E.RatingLevel, certainty: E.Certainty | None) -> str:
    """ "Proven (high certainty)", or just the level when there is no certainty."""
    if certainty is None:
        return level.label
    return f"{level.label} ({certainty.label.lower()} certainty)"


@dataclass(frozen=True)
class CountedStudyRecord:
    """A study as the rubric counted it on one outcome: its score and its verdict."""

    uid: str
    label: str
    score: int
    verdict: E.FindingDirection
    design: E.StudyDesign | None = None


@dataclass(frozen=True)
class OutcomeRatingView:
    """One outcome's rating: the rubric's computed rating and any reviewer override, both kept.

    ``override`` is the override in force (a RatingOverrideRecord) or None; ``past_overrides``
    holds every override ever made on the outcome, oldest first, withdrawn ones included.
    """

    outcome_uid: uuid.UUID
    title: str
    outcome_level: E.OutcomeLevel
    focus: E.Focus
    primary: bool
    level: E.RatingLevel
    certainty: E.Certainty | None
    rule: str
    trace: str
    studies: tuple[CountedStudyRecord, ...]
    rubric_version: int
    override: Any = None
    past_overrides: tuple = ()

    @property
    def effective_level(self) -> E.RatingLevel:
        """The level shown as the outcome's rating: the override's when one is in force."""
        return self.override.level if self.override is not None else self.level

    @property
    def effective_certainty(self) -> E.Certainty | None:
        return self.override.certainty if self.override is not None else self.certainty


@dataclass(frozen=True)
class StrategyRatings:
    """Everything about a strategy's rating: headline, per-outcome ratings, external ratings.

    External ratings are listed beside the app's own and never feed the rubric.
    """

    strategy_uid: uuid.UUID
    title: str
    headline_level: E.RatingLevel
    headline_certainty: E.Certainty | None
    harm_flag: bool
    outcomes: tuple[OutcomeRatingView, ...]
    external_ratings: tuple = ()  # ExternalRatingRecord
    rubric_version: int = 1
