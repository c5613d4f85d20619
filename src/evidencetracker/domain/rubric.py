"""The evidence rubric (DOMAIN.md, version 1): rates one outcome from its studies, and a strategy's
headline from its outcomes. Pure functions of plain records: no Qt, no database, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from evidencetracker.domain.enums import Certainty, FindingDirection, RatingLevel, StudyDesign

RUBRIC_VERSION = 1

# Rubric step 1. Every StudyDesign member is listed so a new design cannot silently score 0.
_DESIGN_SCORES: dict[StudyDesign, int] = {
    StudyDesign.RCT: 5,
    StudyDesign.REGRESSION_DISCONTINUITY: 4,
    StudyDesign.INSTRUMENTAL_VARIABLES: 4,
    StudyDesign.NATURAL_EXPERIMENT: 4,
    StudyDesign.DIFFERENCE_IN_DIFFERENCES: 3,
    StudyDesign.MATCHING: 3,
    StudyDesign.COMPARATIVE_ITS: 3,
    StudyDesign.QUASI_EXPERIMENTAL: 3,
    StudyDesign.CONTROLLED_BEFORE_AFTER: 2,
    StudyDesign.CROSS_SECTION: 2,
    StudyDesign.INTERRUPTED_TIME_SERIES: 2,
    StudyDesign.UNCONTROLLED_BEFORE_AFTER: 1,
    StudyDesign.MONITORING_TREND: 1,
    StudyDesign.QUALITATIVE: 0,
    StudyDesign.CASE_STUDY: 0,
    StudyDesign.DESCRIPTIVE: 0,
    StudyDesign.EXPERT_OPINION: 0,
}

# How a trace names one study of a design ("one randomised trial (Smith 2019, score 5)").
_DESIGN_NOUNS: dict[StudyDesign, str] = {
    StudyDesign.RCT: "randomised trial",
    StudyDesign.REGRESSION_DISCONTINUITY: "regression-discontinuity study",
    StudyDesign.INSTRUMENTAL_VARIABLES: "instrumental-variables study",
    StudyDesign.NATURAL_EXPERIMENT: "natural experiment",
    StudyDesign.DIFFERENCE_IN_DIFFERENCES: "difference-in-differences study",
    StudyDesign.MATCHING: "matched comparison study",
    StudyDesign.COMPARATIVE_ITS: "comparative interrupted time series",
    StudyDesign.QUASI_EXPERIMENTAL: "quasi-experimental study",
    StudyDesign.CONTROLLED_BEFORE_AFTER: "controlled before/after study",
    StudyDesign.CROSS_SECTION: "cross-sectional study",
    StudyDesign.INTERRUPTED_TIME_SERIES: "interrupted time series",
    StudyDesign.UNCONTROLLED_BEFORE_AFTER: "uncontrolled before/after study",
    StudyDesign.MONITORING_TREND: "monitoring trend",
    StudyDesign.QUALITATIVE: "qualitative study",
    StudyDesign.CASE_STUDY: "case study",
    StudyDesign.DESCRIPTIVE: "descriptive study",
    StudyDesign.EXPERT_OPINION: "expert opinion",
}

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_CERTAINTY_STEPS = (Certainty.HIGH, Certainty.MODERATE, Certainty.LOW, Certainty.VERY_LOW)
_FAV, _NULL, _ADV = FindingDirection.FAVOURABLE, FindingDirection.NULL, FindingDirection.ADVERSE
_CAUTION = {_ADV: 0, _NULL: 1, _FAV: 2}  # on equal scores, the more cautious verdict is kept
# Below this many participants in total, the supporting studies are imprecise (rubric step 5).
_MIN_TOTAL_SAMPLE = 100
_MIN_FOLLOW_UP_MONTHS = 12


def design_score(design: StudyDesign | None) -> int:
    """Return the design score (0-5) of rubric step 1; an unknown design scores 0."""
    return 0 if design is None else _DESIGN_SCORES[design]


class FindingInput(NamedTuple):
    """What one study found on the outcome being rated.

    A named tuple rather than a frozen dataclass: a large database has hundreds of thousands of
    findings, and a tuple is made several times faster.
    """

    direction: FindingDirection
    significant: bool
    effect_size: float | None = None
    follow_up_months: int | None = None


@dataclass(frozen=True)
class StudyInput:
    """One evidence source as the rubric sees it, with its findings on one outcome."""

    uid: str
    label: str
    design: StudyDesign | None
    concern_attrition: bool = False
    concern_baseline: bool = False
    concern_measure: bool = False
    independent_evaluator: bool | None = None
    sample_size: int | None = None
    sample_group: str | None = None
    indirect: bool = False
    follow_up_months: int | None = None
    findings: tuple[FindingInput, ...] = ()

    # Derived once, when the study is made: the rules ask for a study's score and verdict dozens
    # of times per rating, and recomputing every rating of a large database spent a third of its
    # time deriving them again.
    score: int = field(init=False, repr=False, compare=False)
    """Design score minus one per execution concern, never below 0 (rubric step 2)."""
    verdict: FindingDirection = field(init=False, repr=False, compare=False)
    """The study's verdict on the outcome its findings are about (see ``study_verdict``)."""

    def __post_init__(self) -> None:
        concerns = self.concern_attrition + self.concern_baseline + self.concern_measure
        design = 0 if self.design is None else _DESIGN_SCORES[self.design]
        object.__setattr__(self, "score", max(0, design - concerns))
        verdict = _NULL
        for f in self.findings:  # adverse beats favourable beats null (study_verdict)
            if f.significant:
                if f.direction == _ADV:
                    verdict = _ADV
                    break
                if f.direction == _FAV:
                    verdict = _FAV
        object.__setattr__(self, "verdict", verdict)

    @property
    def group(self) -> str:
        """The sample group; a study without one is its own group."""
        return self.sample_group if self.sample_group is not None else self.uid

    def follow_up_of(self, finding: FindingInput) -> int | None:
        """A finding's own follow-up when recorded, else the study's."""
        if finding.follow_up_months is not None:
            return finding.follow_up_months
        return self.follow_up_months


@dataclass(frozen=True)
class CountedStudy:
    """A study as counted in a rating: one per sample group, with its score and verdict."""

    uid: str
    label: str
    score: int
    verdict: FindingDirection
    # Not in the brief's field list; defaulted so callers may ignore it. The trace uses it to say
    # "randomised trial" rather than "study".
    design: StudyDesign | None = None


@dataclass(frozen=True)
class OutcomeRating:
    """The computed rating of one outcome, with everything needed to explain it."""

    level: RatingLevel
    certainty: Certainty | None
    rule: str
    trace: str
    studies: tuple[CountedStudy, ...]
    downgrades: tuple[str, ...]
    rubric_version: int = RUBRIC_VERSION


@dataclass(frozen=True)
class Headline:
    """A strategy's headline rating and whether any of its outcomes is rated Harmful."""

    level: RatingLevel
    certainty: Certainty | None
    harm: bool


def study_verdict(study: StudyInput) -> FindingDirection:
    """Return a study's verdict on the outcome its findings are about (rubric step 3).

    Adverse if any finding is significant and adverse, else favourable if any is significant and
    favourable, else null. A study with no findings is null here, but rate_outcome never counts it:
    it is not evidence on the outcome at all.
    """
    return study.verdict


def describe_study(s: CountedStudy) -> str:
    """Name one counted study for a trace, e.g. "Smith 2019, score 5"."""
    return f"{s.label}, score {s.score}"


def rate_outcome(
    studies: Sequence[StudyInput], indicator_moved_toward_target: bool = False
) -> OutcomeRating:
    """Rate one outcome from the studies that may report on it (rubric steps 3-6).

    Args:
        studies: Evidence sources, each carrying only its findings on this outcome. Those with no
            findings are ignored; of those sharing a sample group only the highest score counts.
        indicator_moved_toward_target: Whether an indicator of the outcome moved toward its
            target; only the Emerging rule uses it.

    Returns:
        The level, certainty, rule id, plain-words trace, counted studies and downgrades.
    """
    counted, dropped = _count_once_per_sample(s for s in studies if s.findings)
    if not counted:
        trace = "Not rated: no study reports a finding on this outcome; no study found harm."
        return OutcomeRating(RatingLevel.NOT_RATED, None, "not_rated", trace, (), ())
    level, rule, sentence = _level(counted, indicator_moved_toward_target)
    supporting = _supporting(level, counted)
    certainty, downgrades, certainty_sentence = _certainty(supporting, counted)
    parts = [f"{level.label}: {sentence}"]
    if level is not RatingLevel.HARMFUL:
        parts.append(_harm_clause(counted))
    trace = "; ".join(parts) + "."
    if dropped:
        trace += f" Not counted, as their sample is already counted: {_labels(dropped)}."
    trace += " " + certainty_sentence
    records = tuple(
        CountedStudy(s.uid, s.label, s.score, s.verdict, s.design) for s in counted
    )
    return OutcomeRating(level, certainty, rule, trace, records, downgrades)


def headline(outcomes: Sequence[tuple[bool, OutcomeRating]]) -> Headline:
    """Pick a strategy's headline from its (is_primary, rating) pairs.

    The best level among the primary outcomes wins (among all outcomes when none is primary),
    in the order Proven .. Harmful; on equal levels the higher certainty wins. The harm flag is
    set when any outcome, primary or not, is Harmful.

    Corner case: DOMAIN.md says Not rated "only when no outcome has evidence". So when every
    primary outcome is Not rated but another outcome has evidence, we treat it like "none is
    primary" and take the best of all outcomes, rather than show Not rated for a strategy that
    has evidence.
    """
    rated = [(primary, r) for primary, r in outcomes if r.level is not RatingLevel.NOT_RATED]
    harm = any(r.level is RatingLevel.HARMFUL for _, r in rated)
    if not rated:
        return Headline(RatingLevel.NOT_RATED, None, harm)
    pool = [r for primary, r in rated if primary] or [r for _, r in rated]
    best = min(pool, key=lambda r: (r.level.rank, _certainty_rank(r.certainty)))
    return Headline(best.level, best.certainty, harm)


def _count_once_per_sample(
    studies: Iterable[StudyInput],
) -> tuple[list[StudyInput], list[StudyInput]]:
    """Keep one study per sample group: the highest score.

    On a tie the more cautious verdict is kept (adverse, then null, then favourable), so that a
    second report on the same sample can never raise a rating by being listed first; then the
    smallest uid, so the result never depends on input order.
    """
    groups: dict[str, list[StudyInput]] = {}
    for s in studies:
        groups.setdefault(s.group, []).append(s)
    counted: list[StudyInput] = []
    dropped: list[StudyInput] = []
    for members in groups.values():
        if len(members) > 1:
            members.sort(key=lambda s: (-s.score, _CAUTION[s.verdict], s.uid))
            dropped.extend(members[1:])
        counted.append(members[0])
    counted.sort(key=lambda s: (-s.score, s.uid))
    dropped.sort(key=lambda s: s.uid)
    return counted, dropped


def _level(counted: list[StudyInput], indicator_moved: bool) -> tuple[RatingLevel, str, str]:
    """Try the level rules of step 4 in order; return the level, rule id and its sentence."""

    by_verdict: dict[FindingDirection, list[StudyInput]] = {_ADV: [], _NULL: [], _FAV: []}
    for s in counted:
        by_verdict[s.verdict].append(s)

    def with_verdict(verdict: FindingDirection, min_score: int = 0) -> list[StudyInput]:
        return [s for s in by_verdict[verdict] if s.score >= min_score]

    adverse3 = with_verdict(_ADV, 3)
    if adverse3:
        sentence = f"{_phrase(adverse3, 3)} found a significant adverse effect"
        return RatingLevel.HARMFUL, "harmful", sentence

    fav, fav3, fav4 = with_verdict(_FAV), with_verdict(_FAV, 3), with_verdict(_FAV, 4)
    fav5, null3 = with_verdict(_FAV, 5), with_verdict(_NULL, 3)
    found = "found a significant favourable effect"

    # Counted studies are already one per sample group, so fav4 are independent samples.
    # Independence and the 12-month follow-up must come from those score >= 4 studies, and the
    # follow-up must be of a significant favourable finding: Proven claims a lasting effect.
    independent = [s for s in fav4 if s.independent_evaluator]
    lasting = [s for s in fav4 if _favourable_at_12_months(s)]
    if len(fav4) >= 2 and not null3 and independent and lasting:
        sentence = (
            f"{_phrase(fav4, 4)}, each in its own sample, {found}; no study with score >= 3 "
            f"found a null result; {_labels(independent)} had an independent evaluator and "
            f"{_labels(lasting)} showed the effect after 12 months or more"
        )
        return RatingLevel.PROVEN, "proven", sentence

    outnumber = len(fav3) > len(null3)
    tally = ""
    if null3:
        tally = f" (favourable studies with score >= 3 outnumber null ones, {len(fav3)} to "
        tally += f"{len(null3)})"
    if len(fav4) >= 2 and outnumber:
        return RatingLevel.EFFECTIVE, "effective", f"{_phrase(fav4, 4)} {found}{tally}"
    if fav5 and len(fav3) >= 2 and outnumber:
        others = [s for s in fav3 if s is not fav5[0]]
        sentence = f"{_phrase(fav5[:1], 5)} and {_phrase(others, 3, more=True)} {found}{tally}"
        return RatingLevel.EFFECTIVE, "effective", sentence
    if (fav5 or len(fav3) >= 2) and outnumber:
        group = fav3 if len(fav3) >= 2 else fav5
        return RatingLevel.PROMISING, "promising", f"{_phrase(group, 3)} {found}{tally}"

    if null3 and not fav3:
        sentence = (
            f"{_phrase(null3, 3)} found no significant effect and no study with score >= 3 "
            "found a favourable one"
        )
        return RatingLevel.NO_EFFECTS, "no_effects", sentence

    # Literal reading of DOMAIN.md: the best favourable study scores exactly 2. A lone favourable
    # study scoring 3 or 4 therefore falls through to Inconclusive (flagged to the lead).
    twos = [s for s in fav if s.score == 2]
    if twos and max(s.score for s in fav) == 2:
        sentence = f"the best favourable evidence is {_phrase(twos, 2)}, which {found}"
        return RatingLevel.EMERGING, "emerging", sentence
    ones = [s for s in fav if s.score == 1]
    if ones and indicator_moved:
        sentence = (
            f"{_phrase(ones, 1)} {found} and an indicator of the outcome moved toward its target"
        )
        return RatingLevel.EMERGING, "emerging_indicator", sentence

    n = len(counted)
    listed = "; ".join(f"{_describe(s)}, {s.verdict.value}" for s in counted)
    sentence = (
        f"the evidence is mixed or weak and no stronger rule holds; {_number(n)} "
        f"{_plural(n, 'study', 'studies')} counted ({listed})"
    )
    return RatingLevel.INCONCLUSIVE, "inconclusive", sentence


def _supporting(level: RatingLevel, counted: list[StudyInput]) -> list[StudyInput]:
    """The studies whose verdict matches the level (step 5); all of them for Inconclusive."""
    if level is RatingLevel.INCONCLUSIVE:
        return list(counted)
    verdict = {RatingLevel.HARMFUL: _ADV, RatingLevel.NO_EFFECTS: _NULL}.get(level, _FAV)
    return [s for s in counted if s.verdict is verdict]


def _certainty(
    supporting: list[StudyInput], counted: list[StudyInput]
) -> tuple[Certainty, tuple[str, ...], str]:
    """Certainty of step 5: start from the best supporting score, one step down per concern."""
    best = max(s.score for s in supporting)
    start = 0 if best == 5 else 1 if best == 4 else 2 if best >= 2 else 3
    downgrades: list[str] = []

    fav3 = [s for s in counted if s.score >= 3 and s.verdict is _FAV]
    against3 = [s for s in counted if s.score >= 3 and s.verdict is not _FAV]
    if fav3 and against3:
        downgrades.append(
            f"inconsistency: {_number(len(fav3))} favourable and {_number(len(against3))} null "
            f"or adverse {_plural(len(against3), 'study', 'studies')} with score >= 3"
        )

    # Unknown sample sizes count as 0: precision has to be shown, not assumed.
    total = sum(s.sample_size or 0 for s in supporting)
    unknown = sum(1 for s in supporting if s.sample_size is None)
    reasons = []
    if total < _MIN_TOTAL_SAMPLE:
        noun = _plural(unknown, "study", "studies")
        note = f"; {_number(unknown)} {noun} of unknown size counted as 0" if unknown else ""
        reasons.append(f"supporting samples total {total} (< {_MIN_TOTAL_SAMPLE}{note})")
    if all(f.effect_size is None for s in supporting for f in s.findings):
        reasons.append("no supporting finding reports an effect size")
    if reasons:
        # Both reasons are one GRADE domain, so together they still cost one step.
        downgrades.append("imprecision: " + "; ".join(reasons))

    indirect = [s for s in supporting if s.indirect]
    if indirect:
        downgrades.append(f"indirectness: {_labels(indirect)} flagged as indirect")

    step = min(start + len(downgrades), len(_CERTAINTY_STEPS) - 1)
    certainty = _CERTAINTY_STEPS[step]
    sentence = f"Certainty: {certainty.label.lower()} (the best supporting study scores {best}"
    if downgrades:
        names = [d.split(":", 1)[0] for d in downgrades]
        each = " each" if len(names) > 1 else ""
        floor = ", never below very low" if start + len(downgrades) > step else ""
        sentence += f", which starts at {_CERTAINTY_STEPS[start].label.lower()}; down one step"
        sentence += f"{each} for {_and(names)}{floor}"
    return certainty, tuple(downgrades), sentence + ")."


def _favourable_at_12_months(study: StudyInput) -> bool:
    return any(
        f.significant
        and f.direction is _FAV
        and (study.follow_up_of(f) or 0) >= _MIN_FOLLOW_UP_MONTHS
        for f in study.findings
    )


def _harm_clause(counted: list[StudyInput]) -> str:
    """Say whether any counted study found harm; here all such studies score below 3."""
    adverse = [s for s in counted if s.verdict is _ADV]
    if not adverse:
        return "no study found harm"
    listed = "; ".join(_describe(s) for s in adverse)
    noun = _plural(len(adverse), "study", "studies")
    return f"{_number(len(adverse))} {noun} with score below 3 found harm ({listed})"


def _phrase(studies: list[StudyInput], min_score: int, more: bool = False) -> str:
    """ "one randomised trial (Smith 2019, score 5)" or "two studies with score >= 4 (...)"."""
    if len(studies) == 1:
        s = studies[0]
        noun = "study" if s.design is None else _DESIGN_NOUNS[s.design]
        return f"one{' more' if more else ''} {noun} ({_describe(s)})"
    listed = "; ".join(_describe(s) for s in studies)
    scores = {s.score for s in studies}
    bound = f"score {scores.pop()}" if len(scores) == 1 else f"score >= {min_score}"
    extra = " more" if more else ""
    return f"{_number(len(studies))}{extra} studies with {bound} ({listed})"


def _describe(s: StudyInput) -> str:
    """What ``describe_study`` says of the study once counted, without making its record."""
    return f"{s.label}, score {s.score}"


def _labels(studies: list[StudyInput]) -> str:
    return _and([s.label for s in studies])


def _and(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _certainty_rank(certainty: Certainty | None) -> int:
    return len(_CERTAINTY_STEPS) if certainty is None else _CERTAINTY_STEPS.index(certainty)
