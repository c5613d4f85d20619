"""The confidential and small-cell rules, applied to the illustrative sample."""

from __future__ import annotations

import dataclasses
import json

from evidencetracker.domain.privacy import Disclosure, format_count, redact_detail
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample

CANARY = "CONFIDENTIAL-CANARY-7f3a"


def _dump(value) -> str:
    return json.dumps(dataclasses.asdict(value), default=str)


def test_confidential_content_is_left_out_unless_asked(services: Services):
    load_sample(services)
    details = [services.strategies.detail(r.uid) for r in services.strategies.list()]
    assert any(CANARY in _dump(d) for d in details)  # the sample does carry the canary
    shared = [redact_detail(d, Disclosure()) for d in details]
    kept = [r for r in shared if r is not None]
    assert len(kept) == len(details) - sum(d.strategy.confidential for d in details)
    assert not any(CANARY in _dump(r.detail) for r in kept)
    assert any(r.omitted for r in kept)
    everything = [redact_detail(d, Disclosure(include_confidential=True)) for d in details]
    assert all(r is not None for r in everything)
    assert any(CANARY in _dump(r.detail) for r in everything)
    assert Disclosure(include_confidential=True).marking == "CONFIDENTIAL"


def test_small_person_counts_are_suppressed(services: Services):
    load_sample(services)
    suppressed_values = []
    for row in services.strategies.list():
        redacted = redact_detail(services.strategies.detail(row.uid), Disclosure())
        if redacted is None:
            continue
        for od in redacted.detail.outcomes:
            for ind in od.indicators:
                for m in ind.measurements:
                    small = ind.indicator.person_count and m.value < 11
                    assert redacted.is_suppressed(m.uid, "value") == small
                    if small:
                        suppressed_values.append(m.value)
    assert suppressed_values  # the sample has counts below 11
    assert format_count(7, person_count=True, k=11, suppress=True) == "fewer than 11"
    assert format_count(0, person_count=True, k=11, suppress=True) == "fewer than 11"
    assert format_count(11, person_count=True, k=11, suppress=True) == "11"
    assert format_count(7, person_count=False, k=11, suppress=True) == "7"
    assert format_count(7.5, person_count=True, k=5, suppress=False) == "7.5"
    assert format_count(1234567, person_count=True, k=11, suppress=True) == "1234567"


def test_a_trace_naming_a_confidential_study_is_withheld(services: Services):
    load_sample(services)
    details = [services.strategies.detail(r.uid) for r in services.strategies.list()]
    hidden = {s.uid for d in details for s in d.sources if s.confidential}
    affected = [
        (d, od)
        for d in details
        for od in d.outcomes
        if od.rating and any(str(s["uid"]) in {str(h) for h in hidden} for s in od.rating.studies)
    ]
    assert affected  # the sample's confidential survivor-feedback study is counted somewhere
    labels = {
        s["label"]
        for _, od in affected
        for s in od.rating.studies
        if str(s["uid"]) in {str(h) for h in hidden}
    }
    for detail, od in affected:
        shared = redact_detail(detail, Disclosure())
        rating = next(o.rating for o in shared.detail.outcomes if o.outcome.uid == od.outcome.uid)
        assert rating.level == od.rating.level  # the level the evidence supports stays
        assert "confidential source" in rating.trace
        assert not any(label in rating.trace for label in labels)
        assert all(str(s["uid"]) not in {str(h) for h in hidden} for s in rating.studies)
        full = redact_detail(detail, Disclosure(include_confidential=True))
        kept = next(o.rating for o in full.detail.outcomes if o.outcome.uid == od.outcome.uid)
        assert kept.trace == od.rating.trace
