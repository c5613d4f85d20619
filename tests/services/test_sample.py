"""The illustrative sample: what it holds, its label, and the ratings the rubric gives it."""

from __future__ import annotations

import json

from evidencetracker.domain import enums as E
from evidencetracker.services.container import Services
from evidencetracker.services.sample import SAMPLE_LABEL, load_sample, sample_path


def test_the_sample_spans_the_partnership_types_and_the_4ps(services: Services):
    assert load_sample(services) >= 8
    rows = services.strategies.list()
    assert all(r.is_sample for r in rows)
    assert {r.partnership_type for r in rows} == set(E.PartnershipType)
    assert {p for r in rows for p in r.focus} == {f.value for f in E.Focus}
    details = [services.strategies.detail(r.uid) for r in rows]
    assert all(d.partners for d in details)
    assert any(len(i.measurements) >= 3 for d in details for o in d.outcomes for i in o.indicators)
    designs = {s.design for d in details for s in d.sources}
    assert len(designs) >= 6
    assert load_sample(services) == 0  # loading twice adds nothing


def test_every_sample_outcome_gets_the_level_worked_out_by_hand(services: Services):
    # sample.json records, per outcome, the level its author derived from DOMAIN.md by hand.
    data = json.loads(sample_path().read_text(encoding="utf-8"))
    expected = {
        (s["title"], o["title"]): o["expected_level"]
        for s in data["strategies"]
        for o in s["outcomes"]
    }
    load_sample(services)
    got = {}
    for row in services.strategies.list():
        for od in services.strategies.detail(row.uid).outcomes:
            got[(row.title, od.outcome.title)] = od.rating.level.value
    assert got == expected
    assert len({v for v in got.values()}) == len(E.RatingLevel)  # every level appears


def test_the_sample_is_labelled(services: Services):
    data = json.loads(sample_path().read_text(encoding="utf-8"))
    assert data["label"] == SAMPLE_LABEL == "Illustrative sample - not real evaluation results"
