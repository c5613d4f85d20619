"""Every entity round-trips through the services, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from evidencetracker.domain import enums as E
from evidencetracker.domain.errors import NotFoundError, ValidationError
from evidencetracker.services.container import Services

STRATEGY = {
    "title": "Border task force",
    "summary": "Police and labour inspectors share intelligence.",
    "partnership_type": "law_enforcement_task_force",
    "focus": ["prosecution", "partnership"],
    "sectors": ["law_enforcement"],
    "geography": ["th", "M49:035"],
    "period_start": "2020-01-01",
    "period_end": "2023-06-30",
    "status": "active",
    "cost_amount": "125000.50",
    "cost_currency": "usd",
}


def test_strategy_round_trip(backend_services: Services):
    svc = backend_services
    created = svc.strategies.create(STRATEGY, tags=["borders", "police"])
    got = svc.strategies.get(created.uid)
    assert got.title == "Border task force"
    assert got.partnership_type is E.PartnershipType.LAW_ENFORCEMENT_TASK_FORCE
    assert got.focus == ("partnership", "prosecution")
    assert got.geography == ("M49:035", "TH")
    assert got.period_end == date(2023, 6, 30)
    assert got.cost_amount == Decimal("125000.50") and got.cost_currency == "USD"
    assert got.tags == ("borders", "police")
    assert got.version == 1
    updated = svc.strategies.update(
        got.uid, got.version, {"status": "completed", "tags": ["borders"]}
    )
    assert svc.strategies.get(got.uid).status is E.StrategyStatus.COMPLETED
    assert updated.tags == ("borders",) and updated.version > got.version


def test_every_child_entity_round_trips(backend_services: Services):
    svc = backend_services
    s = svc.strategies.create(STRATEGY)
    partner = svc.partners.create(
        s.uid,
        {"role": "lead"},
        new_organisation={"name": "Fundația Speranța", "org_type": "ngo", "country": "RO"},
    )
    org = svc.organisations.find_by_name("fundația speranța")
    partner2 = svc.partners.create(s.uid, {"role": "funder"}, organisation_uid=org.uid)
    outcome = svc.outcomes.create(
        s.uid,
        {
            "title": "More prosecutions",
            "level": "short_term",
            "focus": "prosecution",
            "primary": True,
        },
    )
    indicator = svc.indicators.create(
        outcome.uid,
        {
            "name": "Cases prosecuted",
            "unit": "cases",
            "direction": "increase",
            "baseline_value": 4,
            "baseline_date": "2020-01-01",
            "target_value": 20,
            "target_date": "2023-01-01",
        },
    )
    m = svc.measurements.create(
        indicator.uid, {"period": "2021", "value": 9, "disaggregation": {"female": 5, "male": 4}}
    )
    source = svc.sources.create(
        {
            "source_type": "peer_reviewed",
            "title": "A trial",
            "authors": "Ngata, Aroha; Ruiz, Ana",
            "year": 2022,
            "design": "rct",
            "sample_size": 300,
            "evaluator_independent": True,
        },
        tags=["trial"],
    )
    finding = svc.findings.create(
        source.uid,
        outcome.uid,
        {
            "direction": "favourable",
            "significant": True,
            "effect_size": 0.4,
            "effect_size_type": "smd",
            "follow_up_months": 12,
        },
    )
    ext = svc.external_ratings.create(s.uid, {"source": "crimesolutions", "rating": "Promising"})
    note = svc.notes.create(s.uid, {"body": "Check the 2022 report.", "confidential": True})
    att = svc.attachments.add(b"%PDF-1.4 report", {"filename": "report.pdf"}, source_uid=source.uid)

    detail = svc.strategies.detail(s.uid)
    assert [p.organisation_name for p in detail.partners] == ["Fundația Speranța"] * 2
    assert detail.partners[0].role is E.PartnerRole.LEAD  # the lead comes first
    assert {p.uid for p in detail.partners} == {partner.uid, partner2.uid}
    (od,) = detail.outcomes
    assert od.outcome.uid == outcome.uid and od.outcome.primary is True
    ((ind, measurements),) = [(i.indicator, i.measurements) for i in od.indicators]
    assert ind.uid == indicator.uid and ind.target_date == date(2023, 1, 1)
    assert [(x.uid, x.value, x.disaggregation) for x in measurements] == [
        (m.uid, 9.0, {"female": 5, "male": 4})
    ]
    assert [f.uid for f in od.findings] == [finding.uid]
    assert od.findings[0].effect_size_type is E.EffectSizeType.SMD
    assert [x.uid for x in detail.sources] == [source.uid]  # linked by the finding
    assert detail.sources[0].tags == ("trial",)
    assert [x.uid for x in detail.external_ratings] == [ext.uid]
    assert [(n.uid, n.confidential, n.author) for n in detail.notes] == [(note.uid, True, "Tester")]
    assert svc.attachments.read(att.uid) == b"%PDF-1.4 report"
    assert att.media_type == "application/pdf" and att.size == 15
    # The rating was computed in the same transaction as the finding.
    assert od.rating is not None and od.rating.level is E.RatingLevel.PROMISING
    assert svc.strategies.get(s.uid).headline_level is E.RatingLevel.PROMISING

    # Each child entity updates through the same path.
    svc.indicators.update(ind.uid, ind.version, {"target_value": 25})
    svc.measurements.update(m.uid, m.version, {"value": 11})
    svc.sources.update(source.uid, source.version, {"sample_size": 320})
    svc.findings.update(finding.uid, finding.version, {"effect_size": 0.5})
    svc.organisations.update(org.uid, org.version, {"website": "https://example.org"})
    svc.partners.update(partner2.uid, partner2.version, {"role": "member"})
    svc.external_ratings.update(ext.uid, ext.version, {"rating": "Effective"})
    svc.notes.update(note.uid, note.version, {"body": "Read."})
    detail = svc.strategies.detail(s.uid)
    assert detail.outcomes[0].indicators[0].indicator.target_value == 25
    assert detail.outcomes[0].indicators[0].measurements[0].value == 11
    assert detail.sources[0].sample_size == 320
    assert detail.outcomes[0].findings[0].effect_size == 0.5
    assert {p.role for p in detail.partners} == {E.PartnerRole.LEAD, E.PartnerRole.MEMBER}
    assert detail.external_ratings[0].rating == "Effective"
    assert detail.notes[0].body == "Read."


def test_validation_names_the_field_and_the_reason(services: Services):
    with pytest.raises(ValidationError) as err:
        services.strategies.create(
            {
                "title": "  ",
                "partnership_type": "cartel",
                "focus": [],
                "period_start": "2022-05-01",
                "period_end": "2021-01-01",
                "cost_amount": "lots",
            }
        )
    fields = {e.field for e in err.value.errors}
    assert fields == {"title", "partnership_type", "focus", "cost_amount"}
    assert err.value.for_field("title") == "Title is required"
    assert "'lots' is not an amount" in err.value.for_field("cost_amount")
    # Cross-field rules run once the fields themselves are valid.
    with pytest.raises(ValidationError, match="End date is before the start date"):
        services.strategies.create(
            {**STRATEGY, "period_start": "2022-05-01", "period_end": "2021-01-01"}
        )
    s = services.strategies.create(STRATEGY)
    o = services.outcomes.create(s.uid, {"title": "o", "level": "output", "focus": "prevention"})
    with pytest.raises(ValidationError) as err:
        services.indicators.create(
            o.uid, {"name": "n", "baseline_date": "2022-01-01", "target_date": "2021-01-01"}
        )
    assert err.value.errors[0].field == "target_date"
    assert str(err.value) == "Target date is before the baseline date"
    with pytest.raises(ValidationError, match="Currency is required when a cost is given"):
        services.strategies.update(s.uid, s.version, {"cost_currency": None})
    with pytest.raises(ValidationError, match="Unknown field 'colour'"):
        services.strategies.update(s.uid, s.version, {"colour": "red"})
    with pytest.raises(ValidationError, match="Effect size type is required"):
        src = services.sources.create({"source_type": "case_study", "title": "t"})
        services.findings.create(src.uid, o.uid, {"direction": "null", "effect_size": 0.1})
    # Nothing invalid reached the database.
    assert services.strategies.get(s.uid).cost_currency == "USD"
    assert services.strategies.count() == 1


def test_a_duplicate_organisation_name_is_refused(services: Services):
    services.organisations.create({"name": "Kestrel Hill Foundation", "org_type": "donor"})
    with pytest.raises(ValidationError, match="exists"):
        services.organisations.create({"name": "kestrel hill foundation", "org_type": "donor"})


def test_unknown_ids_raise_not_found(services: Services):
    with pytest.raises(NotFoundError, match="No strategy with ID"):
        services.strategies.get("0b8f6a58-0000-0000-0000-000000000000")
    with pytest.raises(NotFoundError):
        services.strategies.detail("not-an-id")
    with pytest.raises(NotFoundError):
        services.outcomes.create(
            "0b8f6a58-0000-0000-0000-000000000000",
            {"title": "o", "level": "output", "focus": "prevention"},
        )
