"""Recomputing ratings is not an edit: versions and "last updated" stay as they were."""

from __future__ import annotations

from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample


def test_recomputing_every_rating_changes_no_version_or_timestamp(services: Services):
    load_sample(services)
    before = {
        r.uid: (r.version, r.updated_at, r.headline_level) for r in services.strategies.list()
    }
    assert services.ratings.recompute_all() == len(before)
    after = {r.uid: (r.version, r.updated_at, r.headline_level) for r in services.strategies.list()}
    assert after == before


def test_a_new_finding_changes_the_rating_but_not_the_strategy_version(services: Services):
    s = services.strategies.create(
        {"title": "Hotline", "partnership_type": "ngo_coalition", "focus": ["protection"]}
    )
    o = services.outcomes.create(
        s.uid, {"title": "Calls answered", "level": "output", "focus": "protection"}
    )
    src = services.sources.create(
        {"source_type": "peer_reviewed", "title": "Trial", "design": "rct"}
    )
    services.findings.create(src.uid, o.uid, {"direction": "favourable", "significant": True})
    now = services.strategies.get(s.uid)
    assert now.headline_level.value == "promising"
    assert (now.version, now.updated_at) == (s.version, s.updated_at)


def _stored(services: Services) -> dict:
    from sqlalchemy import select

    from evidencetracker.db import models as M

    with services.ctx.read() as session:
        return {
            r.outcome_id: (r.level, r.trace, r.studies, r.computed_at)
            for r in session.scalars(select(M.OutcomeRating))
        }


def test_a_rating_that_comes_out_the_same_is_not_written_again(services: Services):
    load_sample(services)
    before = _stored(services)
    services.ratings.recompute_all()
    assert _stored(services) == before  # computed_at included: nothing was rewritten


def test_recompute_all_repairs_a_stored_rating_that_disagrees_with_the_evidence(
    services: Services,
):
    from sqlalchemy import update

    from evidencetracker.db import models as M

    load_sample(services)
    before = _stored(services)
    victim = next(i for i, v in before.items() if v[2])  # an outcome with counted studies
    with services.ctx.write() as session:
        session.execute(
            update(M.OutcomeRating)
            .where(M.OutcomeRating.outcome_id == victim)
            .values(studies=[], trace="tampered")
        )
    services.ratings.recompute_all()
    after = _stored(services)
    assert after[victim][:3] == before[victim][:3]
    assert after[victim][3] > before[victim][3]
    assert {i: v for i, v in after.items() if i != victim} == {
        i: v for i, v in before.items() if i != victim
    }


def test_counted_studies_name_their_sources_as_the_orm_path_does(backend_services: Services):
    # recompute reads raw driver rows (uids as stored); the rating view rates through the ORM.
    from evidencetracker.services.ratings import rate

    services = backend_services
    load_sample(services)
    from sqlalchemy import select

    from evidencetracker.db import models as M

    with services.ctx.read() as session:
        outcomes = session.scalars(select(M.Outcome)).all()
        checked = 0
        for outcome in outcomes:
            stored = outcome.rating.studies
            fresh = rate(outcome)
            assert [s["uid"] for s in stored] == [s.uid for s in fresh.studies]
            assert [s["label"] for s in stored] == [s.label for s in fresh.studies]
            assert outcome.rating.trace == fresh.trace
            checked += bool(stored)
    assert checked >= 5
