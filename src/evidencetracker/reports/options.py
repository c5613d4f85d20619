"""What the person exporting a brief chose: paper, sections, date of generation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The sections of a strategy brief, in print order, with the heading each gets.
STRATEGY_SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "partners": "Partners",
    "outcomes": "Outcomes and ratings",
    "indicators": "Indicators",
    "evidence": "Evidence",
    "external": "External ratings",
    "notes": "Notes",
    "references": "References",
}

# Printed on every page of a brief about sample data (the same words as the app's sample notice).
SAMPLE_NOTICE = "Illustrative sample - not real evaluation results"


@dataclass(frozen=True)
class BriefOptions:
    """Choices that shape a brief but not its data.

    Attributes:
        paper: "a4" or "letter".
        sections: the strategy-brief sections to print (title and rating always print).
        generated: the date printed in the footer and stored as the creation date; today when
            None. Only a date: a time would reveal the local time zone.
        invariant: byte-identical output for identical input (for tests and golden files).
    """

    paper: str = "a4"
    sections: frozenset[str] = field(default_factory=lambda: frozenset(STRATEGY_SECTIONS))
    generated: date | None = None
    invariant: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.sections) - set(STRATEGY_SECTIONS)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValueError(
                f"unknown brief section(s): {names}; known: {', '.join(STRATEGY_SECTIONS)}"
            )
        if self.paper.lower() not in ("a4", "letter"):
            raise ValueError(f"paper must be 'a4' or 'letter', not '{self.paper}'")

    @property
    def date(self) -> date:
        return self.generated or date.today()

    def has(self, section: str) -> bool:
        return section in self.sections
