"""The strategy brief, opened with pypdf: sections, pages, fonts, metadata, privacy."""

from __future__ import annotations

import getpass
import re
from datetime import date
from pathlib import Path

import pytest
import reportlab
from pypdf.generic import IndirectObject

from evidencetracker.domain.errors import ValidationError
from evidencetracker.domain.privacy import Disclosure
from evidencetracker.reports.options import SAMPLE_NOTICE, BriefOptions
from evidencetracker.services.sample import SAMPLE_LABEL
from tests.reports.conftest import by_title, outline_titles, page_texts, reader, text_of

CANARY = "CONFIDENTIAL-CANARY-7f3a"
FIXED = BriefOptions(generated=date(2024, 5, 1), invariant=True)


def test_reportlab_is_a_version_without_the_markup_code_execution_flaw():
    # CVE-2023-33733 was fixed in 3.6.13.
    version = tuple(int(x) for x in reportlab.Version.split(".")[:3])
    assert version >= (3, 6, 13)


def test_sample_notice_matches_the_apps_wording():
    assert SAMPLE_NOTICE == SAMPLE_LABEL


def test_brief_shows_every_section(sample_services):
    uid = by_title(sample_services, "Mekong").uid
    pdf = sample_services.briefs.render_strategy(uid, FIXED)
    pages = page_texts(pdf)
    text = " ".join(pages)
    assert 2 <= len(pages) <= 5
    detail = sample_services.strategies.detail(uid)
    assert "Mekong Ethical Recruitment Alliance" in text
    assert "Proven" in text and "High certainty" in text
    assert "Partnership type: Government-business alliance" in text
    assert "Focus (4Ps): Partnership, Prevention" in text
    for partner in detail.partners:
        assert partner.organisation_name in text
    assert "Lead" in text and "Evaluator" in text
    for od in detail.outcomes:
        assert od.outcome.title in text
    assert "Rubric v1 trace: Proven: two studies with score >= 4" in text
    for source in detail.sources:
        assert source.title[:40] in text
    assert "Randomised controlled trial" in text and "O1 favourable" in text
    assert "CrimeSolutions" in text and "Effective" in text
    assert "[1] Okafor, Chidi" in text
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page
        assert SAMPLE_NOTICE in page
        assert "Generated 2024-05-01" in page
    assert "CONFIDENTIAL" not in text
    titles = outline_titles(pdf)
    assert titles[:4] == [
        "Mekong Ethical Recruitment Alliance",
        "Summary",
        "Partners",
        "Outcomes and ratings",
    ]
    assert {"Indicators", "Evidence", "External ratings", "References"} <= set(titles)


def test_harmful_strategy_carries_the_harm_flag(sample_services):
    uid = by_title(sample_services, "North Sea").uid
    text = text_of(sample_services.briefs.render_strategy(uid, FIXED))
    assert "Harmful" in text
    assert "Harm flag: at least one outcome of this strategy is rated Harmful" in text


def test_fonts_are_embedded_dejavu_subsets(sample_services):
    uid = by_title(sample_services, "Danube").uid
    pdf = reader(sample_services.briefs.render_strategy(uid, FIXED))
    embedded = set()
    for page in pdf.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object() if isinstance(ref, IndirectObject) else ref
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]))
    assert any(re.fullmatch(r"/[A-Z]{6}\+DejaVuSans", name) for name in embedded), embedded
    assert any(name.endswith("+DejaVuSans-Bold") for name in embedded)


def test_document_info_names_no_person_path_or_time_zone(sample_services, tmp_path: Path):
    uid = by_title(sample_services, "Danube").uid
    target = tmp_path / "brief.pdf"
    sample_services.briefs.strategy_brief(uid, target, BriefOptions())
    info = reader(target).metadata
    assert info["/Title"] == "Danube Regional Referral Mechanism"
    assert info["/Subject"].startswith("Strategy brief")
    assert info["/Author"] == ""
    assert info["/Creator"] == info["/Producer"] == "EvidenceTracker"
    assert re.fullmatch(r"D:\d{8}", info["/CreationDate"])
    everything = " ".join(str(v) for v in info.values())
    assert getpass.getuser() not in everything and "Tester" not in everything
    assert str(tmp_path) not in everything and "brief.pdf" not in everything
    assert str(tmp_path).encode() not in target.read_bytes()
    assert b"/Metadata" not in target.read_bytes()  # no XMP packet that could carry more


def test_default_export_leaves_confidential_content_out(sample_services):
    uid = by_title(sample_services, "Riverstone").uid
    text = text_of(sample_services.briefs.render_strategy(uid, FIXED))
    assert CANARY not in text
    assert "Listening sessions" not in text  # the confidential source
    # The trace would name the confidential study, so it is replaced.
    assert "Riverstone Survivor Leadership Network 2023" not in text
    assert "rests on 1 confidential source left out of this export" in text
    assert "CONFIDENTIAL" not in text


def test_included_confidential_content_marks_every_page(sample_services):
    uid = by_title(sample_services, "Riverstone").uid
    pages = page_texts(
        sample_services.briefs.render_strategy(uid, FIXED, Disclosure(include_confidential=True))
    )
    assert CANARY in " ".join(pages)
    assert "Listening sessions" in " ".join(pages)
    assert all("CONFIDENTIAL" in page for page in pages)


def test_confidential_strategy_needs_the_option(sample_services):
    uid = by_title(sample_services, "Gulf of Guinea").uid
    with pytest.raises(ValidationError) as caught:
        sample_services.briefs.render_strategy(uid, FIXED)
    assert caught.value.for_field("include_confidential")
    pages = page_texts(
        sample_services.briefs.render_strategy(uid, FIXED, Disclosure(include_confidential=True))
    )
    assert CANARY in " ".join(pages)
    assert all("CONFIDENTIAL" in page for page in pages)


def test_two_hundred_sources_split_with_repeated_headers(sample_services, big_strategy):
    pdf = sample_services.briefs.render_strategy(big_strategy, FIXED)
    pages = page_texts(pdf)
    assert 6 <= len(pages) <= 20
    text = " ".join(pages)
    assert "Evaluation number 199 of the awareness campaign" in text
    assert re.search(r"\[200\] Author\d+, Ana; Second, Bo", text)
    table_pages = [p for p in pages if "Author1" in p and "et al." in p]
    assert len(table_pages) >= 3
    assert all("Citation Design Score Sample Verdict Effect" in p for p in table_pages)


def test_sections_can_be_left_out_and_letter_paper(sample_services):
    uid = by_title(sample_services, "Mekong").uid
    options = BriefOptions(paper="letter", sections=frozenset({"partners"}), invariant=True)
    pdf = sample_services.briefs.render_strategy(uid, options)
    box = reader(pdf).pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)
    text = text_of(pdf)
    assert "Partners" in text and "References" not in text and "Indicators" not in text
