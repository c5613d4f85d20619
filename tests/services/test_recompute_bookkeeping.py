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
