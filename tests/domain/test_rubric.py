"""Tests of the evidence rubric, written from DOMAIN.md "The evidence rubric (version 1)"."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidencetracker.domain.enums import Certainty, FindingDirection, RatingLevel, StudyDesign
from evidencetracker.domain.rubric import (
    RUBRIC_VERSION,
    CountedStudy,
    FindingInput,
    OutcomeRating,
    StudyInput,
    describe_study,
    design_score,
    headline,
    rate_outcome,
    study_verdict,
)

L = RatingLevel
C = Certainty
FAV, NULL, ADV = FindingDirection.FAVOURABLE, FindingDirection.NULL, FindingDirection.ADVERSE

# One design per score, so a test can ask for "a favourable study with score 3".
DESIGN_FOR_SCORE = {
    5: StudyDesign.RCT,
    4: StudyDesign.REGRESSION_DISCONTINUITY,
    3: StudyDesign.DIFFERENCE_IN_DIFFERENCES,
    2: StudyDesign.CONTROLLED_BEFORE_AFTER,
    1: StudyDesign.UNCONTROLLED_BEFORE_AFTER,
    0: StudyDesign.CASE_STUDY,
}
VERDICTS = {"fav": FAV, "null": NULL, "adv": ADV}
_uids = itertools.count(1)


def s(
    spec: str,
    *,
    uid: str | None = None,
    n: int | None = 500,
    es: float | None = 0.3,
    independent: bool | None = None,
    fu: int | None = None,
    group: str | None = None,
    indirect: bool = False,
) -> StudyInput:
    """Build a study from a spec such as "fav5": its verdict on the outcome and its score.

    Defaults (500 participants, an effect size) keep certainty free of imprecision unless a test
    asks for it.
    """
    verdict, score = VERDICTS[spec.rstrip("012345")], int(spec[-1])
    uid = uid or f"s{next(_uids):03d}"
    if verdict is NULL:
        finding = FindingInput(NULL, significant=False, effect_size=es)
    else:
        finding = FindingInput(verdict, significant=True, effect_size=es)
    return StudyInput(
        uid=uid,
        label=f"Study {uid}",
        design=DESIGN_FOR_SCORE[score],
        independent_evaluator=independent,
        sample_size=n,
        sample_group=group,
        indirect=indirect,
        follow_up_months=fu,
        findings=(finding,),
    )


def proven_pair() -> list[StudyInput]:
    """Two independent favourable samples at >= 4, independently evaluated, 12-month follow-up."""
    return [s("fav5", independent=True, fu=12), s("fav4", fu=24)]


# --- step 1 and 2: design score and execution ------------------------------------------------


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        (StudyDesign.RCT, 5),
        (StudyDesign.REGRESSION_DISCONTINUITY, 4),
        (StudyDesign.INSTRUMENTAL_VARIABLES, 4),
        (StudyDesign.NATURAL_EXPERIMENT, 4),
        (StudyDesign.DIFFERENCE_IN_DIFFERENCES, 3),
        (StudyDesign.MATCHING, 3),
        (StudyDesign.COMPARATIVE_ITS, 3),
        (StudyDesign.QUASI_EXPERIMENTAL, 3),
        (StudyDesign.CONTROLLED_BEFORE_AFTER, 2),
        (StudyDesign.CROSS_SECTION, 2),
        (StudyDesign.INTERRUPTED_TIME_SERIES, 2),
        (StudyDesign.UNCONTROLLED_BEFORE_AFTER, 1),
        (StudyDesign.MONITORING_TREND, 1),
        (StudyDesign.QUALITATIVE, 0),
        (StudyDesign.CASE_STUDY, 0),
        (StudyDesign.DESCRIPTIVE, 0),
        (StudyDesign.EXPERT_OPINION, 0),
        (None, 0),
    ],
)
def test_design_score(design, expected):
    assert design_score(design) == expected


def test_every_design_has_a_score():
    assert all(0 <= design_score(d) <= 5 for d in StudyDesign)


@pytest.mark.parametrize(
    ("design", "concerns", "expected"),
    [
        (StudyDesign.RCT, (), 5),
        (StudyDesign.RCT, ("attrition",), 4),
        (StudyDesign.RCT, ("baseline",), 4),
        (StudyDesign.RCT, ("measure",), 4),
        (StudyDesign.RCT, ("attrition", "baseline"), 3),
        (StudyDesign.RCT, ("attrition", "baseline", "measure"), 2),
        (StudyDesign.CONTROLLED_BEFORE_AFTER, ("attrition", "baseline", "measure"), 0),
        (StudyDesign.CASE_STUDY, ("measure",), 0),
        (None, ("attrition",), 0),
    ],
)
def test_execution_concerns_lower_score_never_below_zero(design, concerns, expected):
    study = StudyInput(
        uid="x",
        label="X 2020",
        design=design,
        concern_attrition="attrition" in concerns,
        concern_baseline="baseline" in concerns,
        concern_measure="measure" in concerns,
    )
    assert study.score == expected


def test_an_execution_concern_can_lower_the_level():
    # 5 + 3 favourable is Effective; with one concern the trial scores 4, and 4 + 3 is Promising.
    clean = StudyInput(
        "a", "A", StudyDesign.RCT, findings=(FindingInput(FAV, True, 0.2),), sample_size=500
    )
    flawed = StudyInput(
        "a",
        "A",
        StudyDesign.RCT,
        concern_baseline=True,
        findings=(FindingInput(FAV, True, 0.2),),
        sample_size=500,
    )
    assert rate_outcome([clean, s("fav3")]).level is L.EFFECTIVE
    assert rate_outcome([flawed, s("fav3")]).level is L.PROMISING


# --- step 3: study verdict --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([(FAV, True)], FAV),
        ([(ADV, True)], ADV),
        ([(NULL, False)], NULL),
        ([(FAV, False)], NULL),  # not significant: null
        ([(ADV, False)], NULL),
        ([(FAV, True), (ADV, True)], ADV),  # any significant adverse finding wins
        ([(FAV, True), (NULL, False)], FAV),
        ([(FAV, False), (ADV, False), (NULL, False)], NULL),
        ([(ADV, False), (FAV, True)], FAV),
        ([], NULL),
    ],
)
def test_study_verdict(findings, expected):
    study = StudyInput(
        "x", "X", StudyDesign.RCT, findings=tuple(FindingInput(d, sig) for d, sig in findings)
    )
    assert study_verdict(study) is expected


# --- step 4: levels, tried in order -----------------------------------------------------------

# A trial with a significant favourable and a significant adverse finding on the same outcome.
MIXED_TRIAL = StudyInput(
    "x",
    "X",
    StudyDesign.RCT,
    sample_size=500,
    findings=(FindingInput(FAV, True, 0.3), FindingInput(ADV, True, -0.2)),
)
NON_SIGNIFICANT_TRIAL = StudyInput(
    "x", "X", StudyDesign.RCT, sample_size=500, findings=(FindingInput(FAV, False, 0.1),)
)
# Strong designs, but no finding on the outcome being rated.
SILENT_STUDIES = [
    StudyInput("x", "X", StudyDesign.RCT, sample_size=500),
    StudyInput("y", "Y", StudyDesign.MATCHING),
]


# The case tables read better one case per line, so the formatter leaves them alone.
# fmt: off
LEVEL_CASES = [
    # Harmful
    ("harmful: adverse at 3", [s("adv3")], False, L.HARMFUL),
    ("harmful: adverse at 5", [s("adv5"), s("fav5")], False, L.HARMFUL),
    ("harmful beats proven", [*proven_pair(), s("adv3")], False, L.HARMFUL),
    ("adverse below 3 is not harmful", [s("adv2"), s("fav5")], False, L.PROMISING),
    ("significant adverse finding in a favourable study", [MIXED_TRIAL], False, L.HARMFUL),
    # Proven
    ("proven", proven_pair(), False, L.PROVEN),
    ("proven with three samples", [*proven_pair(), s("fav4")], False, L.PROVEN),
    ("proven tolerates a null study below 3", [*proven_pair(), s("null2")], False, L.PROVEN),
    ("proven tolerates an adverse study below 3", [*proven_pair(), s("adv2")], False, L.PROVEN),
    ("a null study at 3 blocks proven", [*proven_pair(), s("null3")], False, L.EFFECTIVE),
    ("proven needs an independent evaluator",
     [s("fav5", fu=12), s("fav4", fu=12, independent=False)], False, L.EFFECTIVE),
    ("proven needs 12 months of follow-up",
     [s("fav5", independent=True, fu=11), s("fav4", fu=6)], False, L.EFFECTIVE),
    ("proven needs two samples at >= 4",
     [s("fav5", independent=True, fu=12), s("fav3", fu=12)], False, L.EFFECTIVE),
    ("proven needs independent samples",
     [s("fav5", independent=True, fu=12, group="g"), s("fav4", fu=12, group="g")],
     False, L.PROMISING),
    # Effective
    ("effective: two at 4", [s("fav4"), s("fav4")], False, L.EFFECTIVE),
    ("effective: two at 5", [s("fav5"), s("fav5")], False, L.EFFECTIVE),
    ("effective: one at 5 and one at 3", [s("fav5"), s("fav3")], False, L.EFFECTIVE),
    ("one at 4 and one at 3 is only promising", [s("fav4"), s("fav3")], False, L.PROMISING),
    ("one at 5 and one at 2 is only promising", [s("fav5"), s("fav2")], False, L.PROMISING),
    ("effective: favourable outnumber null",
     [s("fav4"), s("fav4"), s("null3")], False, L.EFFECTIVE),
    ("effective: 5 + 3 outnumber one null", [s("fav5"), s("fav3"), s("null4")], False, L.EFFECTIVE),
    ("tie of favourable and null at >= 3 blocks effective and promising",
     [s("fav4"), s("fav4"), s("null3"), s("null3")], False, L.INCONCLUSIVE),
    ("null studies below 3 do not count against",
     [s("fav4"), s("fav4"), s("null2"), s("null2"), s("null1")], False, L.EFFECTIVE),
    # Promising
    ("promising: one at 5", [s("fav5")], False, L.PROMISING),
    ("promising: two at 3", [s("fav3"), s("fav3")], False, L.PROMISING),
    ("promising: three at 3 outnumber two null",
     [s("fav3"), s("fav3"), s("fav3"), s("null3"), s("null5")], False, L.PROMISING),
    ("promising blocked: one at 5 ties one null at 5",
     [s("fav5"), s("null5")], False, L.INCONCLUSIVE),
    ("promising blocked: two at 3 tie two null",
     [s("fav3"), s("fav3"), s("null3"), s("null4")], False, L.INCONCLUSIVE),
    # No effects
    ("no effects: null at 3", [s("null3")], False, L.NO_EFFECTS),
    ("no effects: null at 5 and favourable below 3", [s("null5"), s("fav2")], False, L.NO_EFFECTS),
    ("no effects beats emerging", [s("null3"), s("fav2")], False, L.NO_EFFECTS),
    ("no effects with harm below 3", [s("null4"), s("adv2")], False, L.NO_EFFECTS),
    ("non-significant favourable is null", [NON_SIGNIFICANT_TRIAL], False, L.NO_EFFECTS),
    # Emerging
    ("emerging: best favourable scores 2", [s("fav2")], False, L.EMERGING),
    ("emerging: two at 2 and one at 1", [s("fav2"), s("fav2"), s("fav1")], False, L.EMERGING),
    ("emerging: best 2 beside null below 3", [s("fav2"), s("null2")], False, L.EMERGING),
    ("emerging: score 1 and indicator moved", [s("fav1")], True, L.EMERGING),
    ("score 1 without indicator movement is inconclusive", [s("fav1")], False, L.INCONCLUSIVE),
    ("score 0 with indicator movement is inconclusive", [s("fav0")], True, L.INCONCLUSIVE),
    ("indicator movement without a favourable study", [s("null1")], True, L.INCONCLUSIVE),
    # Literal reading of "the best favourable study scores 2": a lone favourable study at 3 or 4
    # reaches neither Promising nor Emerging. See the report to the lead: likely unintended.
    ("literal: lone favourable at 4 is inconclusive", [s("fav4")], False, L.INCONCLUSIVE),
    ("literal: lone favourable at 3 is inconclusive", [s("fav3")], False, L.INCONCLUSIVE),
    # Inconclusive and Not rated
    ("inconclusive: null below 3", [s("null2")], False, L.INCONCLUSIVE),
    ("inconclusive: adverse below 3", [s("adv2")], False, L.INCONCLUSIVE),
    ("inconclusive: descriptive only", [s("null0"), s("fav0")], False, L.INCONCLUSIVE),
    ("not rated: no studies", [], False, L.NOT_RATED),
    ("not rated: studies without findings on the outcome", SILENT_STUDIES, True, L.NOT_RATED),
]
# fmt: on


@pytest.mark.parametrize(
    ("studies", "indicator", "expected"),
    [case[1:] for case in LEVEL_CASES],
    ids=[case[0] for case in LEVEL_CASES],
)
def test_level(studies, indicator, expected):
    rating = rate_outcome(studies, indicator_moved_toward_target=indicator)
    assert rating.level is expected
    assert rating.rubric_version == RUBRIC_VERSION == 1
    assert rating.trace.startswith(f"{expected.label}: ")
    assert ("no study found harm" in rating.trace) == (
        not any(study_verdict(st) is ADV for st in studies if st.findings)
    )
    assert (rating.certainty is None) == (expected is L.NOT_RATED)


def test_studies_without_findings_are_ignored_not_counted():
    silent = StudyInput("x", "X", StudyDesign.RCT, sample_size=500)
    rating = rate_outcome([silent, s("fav2", uid="b")])
    assert rating.level is L.EMERGING
    assert [c.uid for c in rating.studies] == ["b"]


def test_follow_up_of_a_finding_wins_over_the_study():
    # The study says 24 months but its favourable finding was measured at 6: not a lasting effect.
    short = StudyInput(
        "a",
        "A",
        StudyDesign.RCT,
        independent_evaluator=True,
        sample_size=500,
        follow_up_months=24,
        findings=(FindingInput(FAV, True, 0.3, 6),),
    )
    assert rate_outcome([short, s("fav4", fu=6)]).level is L.EFFECTIVE
    long = StudyInput(
        "a",
        "A",
        StudyDesign.RCT,
        independent_evaluator=True,
        sample_size=500,
        follow_up_months=3,
        findings=(FindingInput(FAV, True, 0.3, 12),),
    )
    assert rate_outcome([long, s("fav4", fu=6)]).level is L.PROVEN


# --- same sample group ------------------------------------------------------------------------


def test_same_sample_counts_once_so_promising_not_effective():
    rating = rate_outcome([s("fav5", group="g"), s("fav5", group="g")])
    assert rating.level is L.PROMISING
    assert len(rating.studies) == 1
    assert "Not counted, as their sample is already counted" in rating.trace


def test_distinct_sample_groups_and_missing_groups_are_independent():
    assert rate_outcome([s("fav5", group="g"), s("fav5", group="h")]).level is L.EFFECTIVE
    assert rate_outcome([s("fav5"), s("fav5")]).level is L.EFFECTIVE


@pytest.mark.parametrize(
    ("members", "expected_level", "kept"),
    [
        (("fav5:a", "null3:b"), L.PROMISING, "a"),  # the higher score counts
        (("null5:a", "fav3:b"), L.NO_EFFECTS, "a"),
        (("adv2:a", "fav3:b"), L.INCONCLUSIVE, "b"),  # lone fav3, literal rule; adv2 dropped
        # Tie on score: the more cautious verdict is kept, whatever the order.
        (("fav5:a", "null5:b"), L.NO_EFFECTS, "b"),
        (("null5:a", "fav5:b"), L.NO_EFFECTS, "a"),
        (("fav5:a", "adv5:b"), L.HARMFUL, "b"),
        # Tie on score and verdict: the smallest uid is kept.
        (("fav5:b", "fav5:a"), L.PROMISING, "a"),
    ],
)
def test_sample_group_keeps_highest_score_with_deterministic_tie_break(
    members, expected_level, kept
):
    studies = [s(m.split(":")[0], uid=m.split(":")[1], group="g") for m in members]
    for order in (studies, studies[::-1]):
        rating = rate_outcome(order)
        assert rating.level is expected_level
        assert [c.uid for c in rating.studies] == [kept]


def test_a_study_without_findings_does_not_displace_its_sample_group():
    silent = StudyInput("a", "A", StudyDesign.RCT, sample_group="g")
    rating = rate_outcome([silent, s("fav3", uid="b", group="g"), s("fav3", uid="c")])
    assert rating.level is L.PROMISING
    assert {c.uid for c in rating.studies} == {"b", "c"}


# --- step 5: certainty ------------------------------------------------------------------------

# The case tables read better one case per line, so the formatter leaves them alone.
# fmt: off
CERTAINTY_CASES = [
    # Starting point: best supporting study, no downgrade.
    ("start 5 high", [s("fav5")], False, L.PROMISING, C.HIGH, ()),
    ("start 4 moderate (harmful)", [s("adv4")], False, L.HARMFUL, C.MODERATE, ()),
    ("start 3 low (no effects)", [s("null3")], False, L.NO_EFFECTS, C.LOW, ()),
    ("start 2 low (emerging)", [s("fav2")], False, L.EMERGING, C.LOW, ()),
    ("start 1 very low", [s("fav1")], True, L.EMERGING, C.VERY_LOW, ()),
    ("start 0 very low", [s("fav0")], False, L.INCONCLUSIVE, C.VERY_LOW, ()),
    ("inconclusive starts from any study",
     [s("null2"), s("adv1")], False, L.INCONCLUSIVE, C.LOW, ()),
    ("best supporting: the favourable study, not the better null one",
     [s("fav1"), s("null2")], True, L.EMERGING, C.VERY_LOW, ()),
    ("best supporting: the adverse study, not the better null one",
     [s("adv3"), s("null5")], False, L.HARMFUL, C.LOW, ()),
    ("best supporting: null studies for no effects",
     [s("null3"), s("fav2")], False, L.NO_EFFECTS, C.LOW, ()),
    ("emerging via indicator uses the best favourable study",
     [s("fav1"), s("fav0")], True, L.EMERGING, C.VERY_LOW, ()),
    # Inconsistency alone.
    ("inconsistency: favourable and null at >= 3",
     [s("fav5"), s("fav4"), s("null3")], False, L.EFFECTIVE, C.MODERATE, ("inconsistency",)),
    ("inconsistency: favourable and adverse at >= 3",
     [s("adv5"), s("fav3")], False, L.HARMFUL, C.MODERATE, ("inconsistency",)),
    ("no inconsistency from studies below 3",
     [s("fav5"), s("null2"), s("adv2")], False, L.PROMISING, C.HIGH, ()),
    ("inconsistency lowers inconclusive too",
     [s("fav5"), s("null5")], False, L.INCONCLUSIVE, C.MODERATE, ("inconsistency",)),
    # Imprecision alone.
    ("imprecision: samples under 100",
     [s("fav5", n=60)], False, L.PROMISING, C.MODERATE, ("imprecision",)),
    ("exactly 100 is enough", [s("fav5", n=100)], False, L.PROMISING, C.HIGH, ()),
    ("samples add up across supporting studies",
     [s("fav5", n=60), s("fav3", n=50)], False, L.EFFECTIVE, C.HIGH, ()),
    ("samples of non-supporting studies do not count",
     [s("fav5", n=60), s("null2", n=5000)], False, L.PROMISING, C.MODERATE, ("imprecision",)),
    ("unknown sample size counts as 0",
     [s("fav5", n=None)], False, L.PROMISING, C.MODERATE, ("imprecision",)),
    ("unknown size beside a known large sample",
     [s("fav5", n=None), s("fav3", n=150)], False, L.EFFECTIVE, C.HIGH, ()),
    ("imprecision: no effect size",
     [s("fav5", es=None)], False, L.PROMISING, C.MODERATE, ("imprecision",)),
    ("one supporting effect size is enough",
     [s("fav5", es=None), s("fav3")], False, L.EFFECTIVE, C.HIGH, ()),
    ("both imprecision reasons cost one step",
     [s("fav5", n=20, es=None)], False, L.PROMISING, C.MODERATE, ("imprecision",)),
    # Indirectness alone.
    ("indirectness", [s("fav5", indirect=True)], False, L.PROMISING, C.MODERATE, ("indirectness",)),
    ("indirect non-supporting study does not count",
     [s("fav5"), s("null2", indirect=True)], False, L.PROMISING, C.HIGH, ()),
    # Combined, and the floor.
    ("inconsistency and imprecision",
     [s("fav5", n=40), s("fav4", n=40), s("null3")],
     False, L.EFFECTIVE, C.LOW, ("inconsistency", "imprecision")),
    ("all three from high",
     [s("fav5", n=40, indirect=True), s("fav4", n=40), s("null3")],
     False, L.EFFECTIVE, C.VERY_LOW, ("inconsistency", "imprecision", "indirectness")),
    ("imprecision and indirectness from moderate",
     [s("adv4", n=10, indirect=True)],
     False, L.HARMFUL, C.VERY_LOW, ("imprecision", "indirectness")),
    ("floor at very low",
     [s("adv3", n=10, indirect=True), s("fav3")],
     False, L.HARMFUL, C.VERY_LOW, ("inconsistency", "imprecision", "indirectness")),
    ("floor when starting at very low",
     [s("fav1", n=10, indirect=True)],
     True, L.EMERGING, C.VERY_LOW, ("imprecision", "indirectness")),
]
# fmt: on


@pytest.mark.parametrize(
    ("studies", "indicator", "level", "certainty", "downgrades"),
    [case[1:] for case in CERTAINTY_CASES],
    ids=[case[0] for case in CERTAINTY_CASES],
)
def test_certainty(studies, indicator, level, certainty, downgrades):
    rating = rate_outcome(studies, indicator_moved_toward_target=indicator)
    assert rating.level is level
    assert rating.certainty is certainty
    assert tuple(d.split(":")[0] for d in rating.downgrades) == downgrades


def test_not_rated_has_no_certainty():
    rating = rate_outcome([])
    assert rating.certainty is None
    assert rating.downgrades == ()
    assert rating.studies == ()


def test_imprecision_downgrade_names_the_total():
    rating = rate_outcome([s("fav5", n=60)])
    assert rating.downgrades == ("imprecision: supporting samples total 60 (< 100)",)


# --- step 6: trace ----------------------------------------------------------------------------


def test_trace_for_one_randomised_trial():
    trial = StudyInput(
        "smith",
        "Smith 2019",
        StudyDesign.RCT,
        sample_size=400,
        findings=(FindingInput(FAV, True, 0.25),),
    )
    rating = rate_outcome([trial])
    assert rating.rule == "promising"
    assert rating.trace.startswith(
        "Promising: one randomised trial (Smith 2019, score 5) found a significant favourable "
        "effect; no study found harm."
    )
    assert rating.studies == (CountedStudy("smith", "Smith 2019", 5, FAV, StudyDesign.RCT),)


def test_trace_reads_well_for_two_and_more_studies():
    two = rate_outcome([s("fav4", uid="a"), s("fav4", uid="b")])
    assert "two studies with score 4 (Study a, score 4; Study b, score 4)" in two.trace
    mixed = rate_outcome([s("fav5", uid="a"), s("fav4", uid="b"), s("fav4", uid="c")])
    assert "three studies with score >= 4" in mixed.trace
    assert "Study a, score 5" in mixed.trace


def test_trace_says_when_a_weak_study_found_harm():
    rating = rate_outcome([s("fav5"), s("adv2", uid="bad")])
    assert rating.level is L.PROMISING
    assert "one study with score below 3 found harm (Study bad, score 2)" in rating.trace


def test_trace_explains_certainty_and_downgrades():
    rating = rate_outcome([s("fav5", n=40), s("fav4", n=40), s("null3")])
    assert "Certainty: low" in rating.trace
    assert "inconsistency and imprecision" in rating.trace


@pytest.mark.parametrize(
    ("studies", "rule"),
    [
        ([s("adv3")], "harmful"),
        (proven_pair(), "proven"),
        ([s("fav4"), s("fav4")], "effective"),
        ([s("fav5")], "promising"),
        ([s("null3")], "no_effects"),
        ([s("fav2")], "emerging"),
        ([s("null1")], "inconclusive"),
        ([], "not_rated"),
    ],
)
def test_rule_ids(studies, rule):
    assert rate_outcome(studies).rule == rule


def test_emerging_via_indicator_has_its_own_rule_id():
    rating = rate_outcome([s("fav1")], indicator_moved_toward_target=True)
    assert rating.rule == "emerging_indicator"
    assert "indicator of the outcome moved toward its target" in rating.trace


def test_counted_studies_carry_scores_and_verdicts():
    rating = rate_outcome([s("fav5", uid="a"), s("null3", uid="b"), s("adv1", uid="c")])
    assert {(c.uid, c.score, c.verdict) for c in rating.studies} == {
        ("a", 5, FAV),
        ("b", 3, NULL),
        ("c", 1, ADV),
    }


def test_describe_study():
    assert describe_study(CountedStudy("x", "Lee 2021", 3, NULL)) == "Lee 2021, score 3"


# --- headline ---------------------------------------------------------------------------------


def r(level: RatingLevel, certainty: Certainty | None = C.LOW) -> OutcomeRating:
    if level is L.NOT_RATED:
        certainty = None
    return OutcomeRating(level, certainty, level.value, f"{level.label}: test", (), ())


# The case tables read better one case per line, so the formatter leaves them alone.
# fmt: off
HEADLINE_CASES = [
    ("no primary: best of all",
     [(False, r(L.PROMISING)), (False, r(L.EFFECTIVE))], L.EFFECTIVE, False),
    ("primary beats a better secondary",
     [(True, r(L.PROMISING)), (False, r(L.PROVEN))], L.PROMISING, False),
    ("best among several primary",
     [(True, r(L.NO_EFFECTS)), (True, r(L.EMERGING)), (False, r(L.PROVEN))], L.EMERGING, False),
    ("inconclusive ranks above no effects",
     [(True, r(L.NO_EFFECTS)), (True, r(L.INCONCLUSIVE))], L.INCONCLUSIVE, False),
    ("no effects ranks above harmful",
     [(True, r(L.HARMFUL)), (True, r(L.NO_EFFECTS))], L.NO_EFFECTS, True),
    ("harm flag from a secondary outcome",
     [(True, r(L.PROMISING)), (False, r(L.HARMFUL))], L.PROMISING, True),
    ("harmful alone", [(False, r(L.HARMFUL))], L.HARMFUL, True),
    ("a primary not rated is skipped",
     [(True, r(L.NOT_RATED)), (True, r(L.EMERGING))], L.EMERGING, False),
    # Corner case: DOMAIN.md allows Not rated only when no outcome has evidence, so when no
    # primary outcome has evidence the headline falls back to all outcomes.
    ("primary unrated, secondary rated",
     [(True, r(L.NOT_RATED)), (False, r(L.PROMISING))], L.PROMISING, False),
    ("nothing rated", [(True, r(L.NOT_RATED)), (False, r(L.NOT_RATED))], L.NOT_RATED, False),
    ("no outcomes", [], L.NOT_RATED, False),
]
# fmt: on


@pytest.mark.parametrize(
    ("outcomes", "level", "harm"),
    [case[1:] for case in HEADLINE_CASES],
    ids=[case[0] for case in HEADLINE_CASES],
)
def test_headline(outcomes, level, harm):
    result = headline(outcomes)
    assert result.level is level
    assert result.harm is harm
    assert (result.certainty is None) == (level is L.NOT_RATED)


def test_headline_takes_certainty_of_the_chosen_rating_and_prefers_higher_on_ties():
    outcomes = [
        (True, r(L.PROMISING, C.LOW)),
        (True, r(L.PROMISING, C.HIGH)),
        (True, r(L.EMERGING, C.HIGH)),
    ]
    result = headline(outcomes)
    assert (result.level, result.certainty) == (L.PROMISING, C.HIGH)


def test_headline_from_computed_ratings():
    primary = rate_outcome([s("fav5")])
    secondary = rate_outcome([s("adv3")])
    result = headline([(True, primary), (False, secondary)])
    assert (result.level, result.certainty, result.harm) == (L.PROMISING, C.HIGH, True)


# --- properties -------------------------------------------------------------------------------

_study_specs = st.lists(
    st.tuples(
        st.sampled_from(["fav", "null", "adv"]),
        st.integers(min_value=0, max_value=5),
        st.sampled_from([None, "g", "h"]),
        st.sampled_from([None, 50, 500]),
    ),
    max_size=6,
)


@given(_study_specs, st.booleans(), st.randoms(use_true_random=False))
def test_rating_does_not_depend_on_input_order(specs, indicator, rnd):
    studies = [
        s(f"{v}{score}", uid=f"u{i}", group=group, n=n)
        for i, (v, score, group, n) in enumerate(specs)
    ]
    shuffled = list(studies)
    rnd.shuffle(shuffled)
    a = rate_outcome(studies, indicator)
    b = rate_outcome(shuffled, indicator)
    assert (a.level, a.certainty, a.rule, a.downgrades) == (
        b.level,
        b.certainty,
        b.rule,
        b.downgrades,
    )
    assert a.trace == b.trace
    assert sorted(a.studies, key=lambda c: c.uid) == sorted(b.studies, key=lambda c: c.uid)
    assert (a.level is L.NOT_RATED) == (not studies) == (a.certainty is None)
    assert a.trace.startswith(f"{a.level.label}: ")
    # One counted study per sample group.
    assert len(a.studies) == len({x.group for x in studies})
