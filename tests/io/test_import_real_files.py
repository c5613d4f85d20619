"""The real files in ../shared/data import as the data README maps them."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from evidencetracker.db import models as M
from evidencetracker.services.container import Services
from evidencetracker.services.importing import ImportService, drive
from evidencetracker.services.importing.citations import run_citations
from tests.conftest import shared_data

WWC = "wwc_findings_wp_meta_v2.csv"
CLEAN = "tip_antitrafficking_grants_2001_2014_clean.csv"
RAW = "tip_antitrafficking_grants_2001_2014_RAW.csv"


def _count(svc: Services, model) -> int:  # noqa: ANN001
    with svc.ctx.read() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_wwc_findings_import_with_every_intervention_study_and_finding(services: Services):
    path = shared_data(WWC)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    report = ImportService(services.ctx).import_file(path, preset="wwc")
    assert report.rejected == []
    assert report.created["strategy"] == len({r["s_interventionid"] for r in rows}) == 229
    assert report.created["evidence source"] == len({r["s_studyid"] for r in rows}) == 373
    assert report.created["finding"] == len(rows) == 1553
    assert _count(services, M.Finding) == 1553
    # Spot check: BARR and study 131, whose citation carries triple-encoded mojibake.
    barr = next(s for s in services.strategies.list() if s.title.startswith("Building Assets"))
    detail = services.strategies.detail(barr.uid)
    study = next(s for s in detail.sources if s.sample_group == "WWC study 131")
    assert "O\u2019Brien, B. C." in study.authors and "Ã" not in study.authors
    assert study.title == "i3 BARR validation study impact findings: Cohort 1"
    assert study.year == 2016 and study.design.value == "rct"
    assert study.publisher == "Washington, DC: American Institutes for Research."
    finding_row = next(r for r in rows if r["f_findingid"] == "5975")
    findings = [f for od in detail.outcomes for f in od.findings if "WWC finding 5975" in f.notes]
    assert len(findings) == 1
    assert findings[0].effect_size == pytest.approx(float(finding_row["f_effect_size_wwc"]))
    assert findings[0].significant is (finding_row["f_is_stat_sig"] == "True")
    domains = {od.outcome.title for od in detail.outcomes}
    assert finding_row["f_outcome_domain"] in domains
    assert detail.strategy.headline_level.value != "not_rated"
    # Importing again updates in place: nothing is duplicated.
    again = ImportService(services.ctx).import_file(path, preset="wwc")
    assert again.created == Counter() and _count(services, M.Strategy) == 229


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_clean_grants_become_strategies_with_partners(services: Services):
    path = shared_data(CLEAN)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    grants = [r for r in rows if r["grant"] == "1.0"]
    report = ImportService(services.ctx).import_file(path, preset="tip-grants")
    assert report.rejected == []
    assert report.created["strategy"] == len(grants) == 2420
    assert len(report.skipped) == len(rows) - len(grants)
    missing = {"", "na", "n/a"}
    named = [g for g in grants if g["recipient"].strip().lower() not in missing]
    subgranted = [g for g in grants if g["subgrantee"].strip().lower() not in missing]
    assert _count(services, M.Partner) == len(named) + len(subgranted)
    assert report.created["partner"] == len(named) + len(subgranted)
    # Spot check row id 2: IOM in Afghanistan, 2003, $330,568, prevention/protection/prosecution.
    [hit] = [
        s
        for s in services.strategies.list()
        if s.title == "IOM: anti-trafficking grant, Afghanistan 2003"
    ]
    detail = services.strategies.detail(hit.uid)
    s = detail.strategy
    assert s.geography == ("AF",) and s.cost_amount == Decimal("330568.00")
    assert s.cost_currency == "USD" and s.period_start.year == 2003
    assert set(s.focus) == {"prevention", "protection", "prosecution"}
    assert [
        (p.organisation_name, p.role.value, p.organisation_type.value) for p in detail.partners
    ] == [("IOM", "lead", "international")]
    research = [g for g in grants if g["research"] == "1.0"]
    assert services.strategies.count(
        __import__("evidencetracker.services.strategies", fromlist=["StrategyQuery"]).StrategyQuery(
            tag="research"
        )
    ) == len(research)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_raw_grants_reject_shifted_flags_and_non_amounts(services: Services):
    path = shared_data(RAW)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    shifted = {
        n
        for n, r in enumerate(rows, start=2)
        if r["grant"] == "1" and r["subgrantee"] in ("0", "1")
    }
    report = ImportService(services.ctx).import_file(path, preset="tip-grants")
    rejected = {r.row: r for r in report.rejected}
    assert shifted <= set(rejected)
    assert all(
        rejected[n].column == "subgrantee" and "shifted" in rejected[n].reason for n in shifted
    )
    not_listed = [
        n
        for n, r in enumerate(rows, start=2)
        if r["amount"] == "Not Listed" and n not in shifted and r["grant"] == "1"
    ]
    assert not_listed and all(rejected[n].column == "amount" for n in not_listed)
    prose = next(
        n for n, r in enumerate(rows, start=2) if r["amount"].startswith("Cannot determine")
    )
    assert prose in rejected
    # Nothing was shifted or guessed: every imported strategy comes from an accepted row.
    accepted = len([r for r in rows if r["grant"] == "1"]) - len(rejected)
    assert services.strategies.count() == accepted
    row2 = rejected[2]
    assert str(row2) == "row 2, column 'amount': 'Not Listed' is not an amount in dollars"


@pytest.mark.slow
def test_the_ris_export_becomes_385_evidence_sources(services: Services):
    path = shared_data("retraction_lit_385.ris")
    report = drive(run_citations(services.ctx, path))
    assert report.created["evidence source"] == 385 and report.rejected == []
    sources = {s.doi: s for s in services.sources.list()}
    first = sources["10.1111/bcp.14021"]
    assert first.title == "Analysis of retracted articles on medicines administered to humans"
    assert first.authors == "Dal-Ré Rafael" and first.year == 2019
    assert first.publisher == "British Journal of Clinical Pharmacology"
    assert first.source_type.value == "peer_reviewed"
    again = drive(run_citations(services.ctx, path, dry_run=True))
    assert len(again.duplicates) == 385
    merged = drive(run_citations(services.ctx, path, merge=True))
    assert merged.created["evidence source"] == 0 and len(services.sources.list()) == 385
