"""The rubric over real What Works Clearinghouse findings, mapped as ../shared/data/README.md says.

WWC data is education data, not anti-trafficking data, but it is the only public finding-level set
with the structure the rubric reads; these tests check properties that must hold on messy input.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from evidencetracker.domain.enums import FindingDirection, RatingLevel, StudyDesign
from evidencetracker.domain.rubric import (
    FindingInput,
    OutcomeRating,
    StudyInput,
    headline,
    rate_outcome,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "wwc_findings_wp_meta_v2.csv"

DESIGNS = {
    "rct": StudyDesign.RCT,
    "rdd": StudyDesign.REGRESSION_DISCONTINUITY,
    "qed": StudyDesign.QUASI_EXPERIMENTAL,
}
WITH_RESERVATIONS = "meets wwc standards with reservations"
WITHOUT_RESERVATIONS = "meets wwc standards without reservations"


def _rows() -> list[dict[str, str]]:
    if not DATA.is_file():
        pytest.skip(f"WWC data not found at {DATA} (the shared data folder is not checked out)")
    with DATA.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _finding(row: dict[str, str]) -> FindingInput:
    effect = float(row["f_effect_size_wwc"])
    if effect > 0:
        direction = FindingDirection.FAVOURABLE
    elif effect < 0:
        direction = FindingDirection.ADVERSE
    else:
        direction = FindingDirection.NULL
    significant = row["f_is_stat_sig"].strip().lower() == "true"
    return FindingInput(direction, significant, effect)


def _studies(rows: list[dict[str, str]]) -> list[StudyInput]:
    """One StudyInput per WWC review of a study; a study reviewed twice shares its sample group."""
    by_review: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_review[(row["s_studyid"], row["reviewid"])].append(row)
    studies = []
    for (study_id, review_id), members in sorted(by_review.items()):
        first = members[0]
        design = DESIGNS[first["s_study_design"].strip().lower()]
        reservations = first["s_study_rating"].strip().lower() == WITH_RESERVATIONS
        sizes = [int(float(r["f_ss"])) for r in members if r["f_ss"].strip()]
        studies.append(
            StudyInput(
                uid=f"{study_id}/{review_id}",
                label=f"WWC study {study_id}",
                design=design,
                # A randomised trial meets WWC standards only with reservations for its attrition;
                # a QED can never do better, for want of randomisation (baseline equivalence).
                concern_attrition=reservations and design is StudyDesign.RCT,
                concern_baseline=reservations and design is not StudyDesign.RCT,
                sample_size=max(sizes) if sizes else None,
                sample_group=study_id,
                findings=tuple(_finding(r) for r in members),
            )
        )
    return studies


@pytest.fixture(scope="module")
def wwc() -> dict[str, dict[str, list[dict[str, str]]]]:
    """Rows grouped by intervention, then outcome domain."""
    grouped: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows():
        grouped[row["s_interventionid"]][row["f_outcome_domain"].strip()].append(row)
    return grouped


@pytest.fixture(scope="module")
def ratings(wwc) -> dict[tuple[str, str], OutcomeRating]:
    return {
        (intervention, domain): rate_outcome(_studies(rows))
        for intervention, domains in wwc.items()
        for domain, rows in domains.items()
    }


def test_data_is_what_the_readme_describes(wwc):
    assert len(wwc) == 229
    designs = {
        r["s_study_design"].strip().lower() for d in wwc.values() for rs in d.values() for r in rs
    }
    assert designs <= set(DESIGNS)


def test_every_rating_is_well_formed(ratings):
    assert ratings
    for key, rating in ratings.items():
        assert rating.level in RatingLevel, key
        assert rating.level is not RatingLevel.NOT_RATED, key  # every pair has findings
        assert rating.certainty is not None, key
        assert rating.trace.startswith(f"{rating.level.label}: "), key
        assert rating.studies, key
        assert rating.rubric_version == 1


def test_a_single_clean_favourable_rct_rates_promising_or_better(wwc, ratings):
    checked = 0
    for intervention, domains in wwc.items():
        for domain, rows in domains.items():
            if len({r["s_studyid"] for r in rows}) != 1:
                continue
            clean_rct = all(
                r["s_study_design"].strip().lower() == "rct"
                and r["s_study_rating"].strip().lower() == WITHOUT_RESERVATIONS
                for r in rows
            )
            directions = {f.direction for f in map(_finding, rows) if f.significant}
            if clean_rct and directions == {FindingDirection.FAVOURABLE}:
                level = ratings[(intervention, domain)].level
                assert level.rank <= RatingLevel.PROMISING.rank, (intervention, domain, level)
                checked += 1
    assert checked >= 10


def test_a_significant_adverse_rct_finding_rates_harmful(wwc, ratings):
    checked = 0
    for intervention, domains in wwc.items():
        for domain, rows in domains.items():
            if any(
                r["s_study_design"].strip().lower() == "rct"
                and _finding(r).significant
                and _finding(r).direction is FindingDirection.ADVERSE
                for r in rows
            ):
                assert ratings[(intervention, domain)].level is RatingLevel.HARMFUL
                checked += 1
    assert checked >= 1


def test_outcomes_without_evidence_get_no_level(wwc):
    all_domains = {domain for domains in wwc.values() for domain in domains}
    checked = 0
    for domains in list(wwc.values())[:50]:
        every_row = [r for rows in domains.values() for r in rows]
        for domain in sorted(all_domains - set(domains))[:5]:
            # The intervention's studies are there, but none has a finding on this domain.
            silent = [
                StudyInput(st.uid, st.label, st.design, sample_group=st.sample_group)
                for st in _studies(every_row)
            ]
            rating = rate_outcome(silent)
            assert rating.level is RatingLevel.NOT_RATED, domain
            assert rating.certainty is None
            checked += 1
    assert checked > 0


def test_level_counts_are_plausible(ratings):
    counts = Counter(rating.level for rating in ratings.values())
    assert sum(counts.values()) == len(ratings)
    for level in (
        RatingLevel.PROMISING,
        RatingLevel.NO_EFFECTS,
        RatingLevel.HARMFUL,
        RatingLevel.INCONCLUSIVE,
        RatingLevel.EMERGING,
    ):
        assert counts[level] > 0, (level, counts)
    # Evaluator independence is not recorded, so nothing can be Proven.
    assert counts[RatingLevel.PROVEN] == 0
    assert counts[RatingLevel.NOT_RATED] == 0


def test_a_study_reviewed_twice_counts_once(wwc, ratings):
    for intervention, domains in wwc.items():
        for domain, rows in domains.items():
            rating = ratings[(intervention, domain)]
            assert len(rating.studies) == len({r["s_studyid"] for r in rows})


def test_headline_per_intervention(ratings):
    by_intervention: dict[str, list[tuple[bool, OutcomeRating]]] = defaultdict(list)
    for (intervention, _), rating in ratings.items():
        by_intervention[intervention].append((False, rating))
    for outcomes in by_intervention.values():
        result = headline(outcomes)
        levels = [rating.level for _, rating in outcomes]
        assert result.level is min(levels, key=lambda level: level.rank)
        assert result.harm is (RatingLevel.HARMFUL in levels)
