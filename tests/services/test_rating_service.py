"""RatingService: ratings per strategy, overrides (justified, audited, withdrawn), external
ratings kept apart from the rubric, and recomputation when evidence changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from evidencetracker.db import models as M
from evidencetracker.domain import enums as E
from evidencetracker.domain.errors import ValidationError
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample

L = E.RatingLevel


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("rating-sample") / "sample.sqlite"
    svc = Services.open(path, author="Tester")
    load_sample(svc)
    svc.close()
    return path


@pytest.fixture
def sample(sample_file, tmp_path):
    """A fresh copy of a database holding the sample (loading it once per module)."""
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(sample_file.read_bytes())
    svc = Services.open(copy, author="Tester")
    yield svc
    svc.close()


def strategy(services: Services, prefix: str):
    return next(s for s in services.strategies.list() if s.title.startswith(prefix))


def override_rows(services: Services) -> int:
    with services.ctx.read() as session:
        return session.scalar(select(func.count(M.RatingOverride.id)))


def test_for_strategy_lists_each_outcome_with_studies_trace_and_headline(sample: Services):
    mekong = strategy(sample, "Mekong")
    ratings = sample.ratings.for_strategy(mekong.uid)
    assert ratings.title == "Mekong Ethical Recruitment Alliance"
    assert (ratings.headline_level, ratings.headline_certainty) == (L.PROVEN, E.Certainty.HIGH)
    assert ratings.harm_flag is False
    fees, members = ratings.outcomes
    assert fees.primary and fees.level is L.PROVEN and fees.effective_level is L.PROVEN
    # Two independent samples count; the second report on the trial's sample does not.
    assert [(s.label, s.score, s.verdict) for s in fees.studies] == [
        ("Lindqvist 2021", 5, E.FindingDirection.FAVOURABLE),
        ("Verhoeven 2022", 4, E.FindingDirection.FAVOURABLE),
    ]
    assert fees.trace.startswith("Proven: two studies with score >= 4")
    assert "Not counted, as their sample is already counted: Okafor 2023." in fees.trace
    assert members.level is L.NOT_RATED and members.certainty is None and members.studies == ()
    assert [x.rating for x in ratings.external_ratings] == ["Effective"]


@pytest.mark.parametrize("justification", ["", "   \n\t"])
def test_an_override_without_justification_is_refused_and_nothing_is_written(
    sample: Services, justification: str
):
    danube = strategy(sample, "Danube")
    outcome = sample.ratings.for_strategy(danube.uid).outcomes[0]
    with pytest.raises(ValidationError) as error:
        sample.ratings.override(outcome.outcome_uid, "proven", justification, "high")
    assert error.value.for_field("justification")
    assert override_rows(sample) == 0
    assert sample.strategies.get(danube.uid).headline_level is L.PROMISING


def test_an_override_is_kept_beside_the_computed_rating_and_audited(sample: Services):
    danube = strategy(sample, "Danube")
    primary = sample.ratings.for_strategy(danube.uid).outcomes[0]
    assert primary.level is L.PROMISING

    record = sample.ratings.override(
        primary.outcome_uid, "effective", "Two further years of monitoring data agree.", "low"
    )
    assert record.reviewer == "Tester" and record.computed_level is L.PROMISING

    after = sample.ratings.for_strategy(danube.uid).outcomes[0]
    assert after.level is L.PROMISING and after.certainty is E.Certainty.VERY_LOW
    assert after.effective_level is L.EFFECTIVE and after.effective_certainty is E.Certainty.LOW
    assert after.override.justification == "Two further years of monitoring data agree."
    assert sample.strategies.get(danube.uid).headline_level is L.EFFECTIVE

    audit = [
        a for a in sample.history.for_strategy(danube.uid) if a.entity_type == "rating override"
    ]
    assert [(a.action, a.author) for a in audit] == [("create", "Tester")]
    assert audit[0].entity_uid == record.uid and audit[0].at is not None
    assert audit[0].changes["justification"] == "Two further years of monitoring data agree."

    sample.ratings.clear_override(primary.outcome_uid)
    cleared = sample.ratings.for_strategy(danube.uid).outcomes[0]
    assert cleared.override is None and cleared.effective_level is L.PROMISING
    assert [o.active for o in cleared.past_overrides] == [False]
    assert sample.strategies.get(danube.uid).headline_level is L.PROMISING
    actions = [
        a.action
        for a in sample.history.for_strategy(danube.uid)
        if a.entity_type == "rating override"
    ]
    assert actions == ["update", "create"]


def test_an_external_rating_is_shown_but_never_changes_the_computed_rating(sample: Services):
    safe = strategy(sample, "Safe Journeys")
    before = sample.ratings.for_strategy(safe.uid)
    sample.external_ratings.create(
        safe.uid, {"source": "crimesolutions", "rating": "Effective", "rated_on": "2024-01-10"}
    )
    sample.external_ratings.create(safe.uid, {"source": "essa_tier", "rating": "Tier 1"})
    after = sample.ratings.for_strategy(safe.uid)
    assert after.headline_level is before.headline_level is L.NO_EFFECTS
    assert [(o.level, o.certainty, o.trace) for o in after.outcomes] == [
        (o.level, o.certainty, o.trace) for o in before.outcomes
    ]
    assert {(x.source, x.rating) for x in after.external_ratings} >= {
        (E.ExternalRatingSource.CRIMESOLUTIONS, "Effective"),
        (E.ExternalRatingSource.ESSA_TIER, "Tier 1"),
    }


RCT = {
    "source_type": "peer_reviewed",
    "title": "A randomised trial of shelter follow-up",
    "authors": "Quispe, R.",
    "year": 2024,
    "design": "rct",
    "sample_size": 420,
    "evaluator_independent": True,
}


def test_ratings_follow_the_evidence_add_trash_restore_edit_purge(sample: Services):
    tejiendo = strategy(sample, "Tejiendo")
    outcome_uid = sample.ratings.for_strategy(tejiendo.uid).outcomes[0].outcome_uid

    def level():
        return sample.ratings.for_strategy(tejiendo.uid).outcomes[0].level

    assert level() is L.EMERGING
    source = sample.sources.create(RCT)
    sample.findings.create(
        source.uid,
        outcome_uid,
        {
            "direction": "favourable",
            "significant": True,
            "effect_size": 0.3,
            "effect_size_type": "smd",
        },
    )
    # One favourable randomised trial: Promising (DOMAIN.md rule 4).
    assert level() is L.PROMISING
    assert sample.strategies.get(tejiendo.uid).headline_level is L.PROMISING

    sample.sources.delete(source.uid)  # to the Trash
    assert level() is L.EMERGING
    assert sample.strategies.get(tejiendo.uid).headline_level is L.EMERGING

    sample.sources.restore(source.uid)
    assert level() is L.PROMISING

    current = sample.sources.get(source.uid)
    sample.sources.update(source.uid, current.version, {"design": "case_study"})
    # A case study (score 0) is weaker than the controlled before/after study: Emerging again.
    assert level() is L.EMERGING

    sample.sources.purge(source.uid)
    assert level() is L.EMERGING
    assert [s.label for s in sample.ratings.for_strategy(tejiendo.uid).outcomes[0].studies] == [
        "Ajú Tzoc 2023"
    ]
