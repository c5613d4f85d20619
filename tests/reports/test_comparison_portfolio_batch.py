"""Comparison and portfolio briefs, batch export with cancel, and the CLI commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evidencetracker.cli.main import main
from evidencetracker.domain.privacy import Disclosure
from evidencetracker.reports.options import BriefOptions
from evidencetracker.services.sample import load_sample
from evidencetracker.services.strategies import StrategyQuery
from tests.reports.conftest import by_title, outline_titles, page_texts, reader, text_of

FIXED = BriefOptions(generated=date(2024, 5, 1), invariant=True)
CANARY = "CONFIDENTIAL-CANARY-7f3a"


def _uids(services, *prefixes):  # noqa: ANN001, ANN002, ANN202
    return [by_title(services, p).uid for p in prefixes]


def test_comparison_brief_of_three_is_portrait(sample_services):
    uids = _uids(sample_services, "Mekong", "North Sea", "Riverstone")
    pdf = sample_services.briefs.render_comparison(uids, FIXED)
    box = reader(pdf).pages[0].mediabox
    assert box.width < box.height
    text = text_of(pdf)
    for title in (
        "Mekong Ethical Recruitment Alliance",
        "North Sea Fishing Fleet",
        "Riverstone Survivor Leadership Network",
    ):
        assert title in text
    assert "Proven (High certainty)" in text and "Harm found" in text
    assert "Studies per strategy, coloured by headline rating" in text
    assert "Levels and evidence" in outline_titles(pdf)
    assert CANARY not in text and "Riverstone Survivor Leadership Network 2023" not in text


def test_comparison_brief_of_six_is_landscape_and_private(sample_services):
    uids = _uids(
        sample_services, "Mekong", "North Sea", "Riverstone", "Danube", "Bayanihan", "Safe Journeys"
    )
    pages = page_texts(sample_services.briefs.render_comparison(uids, FIXED))
    pdf = sample_services.briefs.render_comparison(uids, FIXED)
    box = reader(pdf).pages[0].mediabox
    assert box.width > box.height
    assert all("Page" in p for p in pages)
    assert "CONFIDENTIAL" not in " ".join(pages)
    included = page_texts(
        sample_services.briefs.render_comparison(uids, FIXED, Disclosure(include_confidential=True))
    )
    assert all("CONFIDENTIAL" in p for p in included)


def test_portfolio_brief_groups_by_rating_with_bookmarks(sample_services):
    pdf = sample_services.briefs.render_portfolio(StrategyQuery(), FIXED)
    text = text_of(pdf)
    titles = outline_titles(pdf)
    assert "Evidence gap map" in titles and "Strategies by headline rating" in titles
    assert "Proven (1)" in titles and "Harmful (1)" in titles
    assert "Mekong Ethical Recruitment Alliance" in text
    assert "Gulf of Guinea" not in text  # a confidential strategy, not included
    assert "Prevention" in text and "Law-enforcement task force" in text
    included = sample_services.briefs.render_portfolio(
        StrategyQuery(), FIXED, Disclosure(include_confidential=True)
    )
    pages = page_texts(included)
    assert "Gulf of Guinea" in " ".join(pages)
    assert all("CONFIDENTIAL" in p for p in pages)


def test_empty_portfolio_says_none_recorded(sample_services):
    text = text_of(sample_services.briefs.render_portfolio(StrategyQuery(text="zzzz"), FIXED))
    assert "0 strategies" in text and text.count("None recorded") == 2


def test_batch_export_keeps_finished_briefs_and_stops_on_cancel(sample_services, tmp_path):
    uids = _uids(sample_services, "Mekong", "Gulf of Guinea", "Danube", "Bayanihan")
    seen = []

    def cancelled() -> bool:
        return sum(1 for s in seen if s.status == "written") >= 2

    for step in sample_services.briefs.export_batch(
        uids, tmp_path / "out", FIXED, cancelled=cancelled
    ):
        seen.append(step)
    assert [s.status for s in seen] == ["written", "skipped", "written", "cancelled"]
    assert "is confidential" in seen[1].message
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 2 and all(f.endswith(".pdf") for f in files)
    assert files[0].startswith("danube-regional-referral-mechanism-")
    assert "Mekong Ethical Recruitment Alliance" in text_of(seen[0].path)


@pytest.fixture
def sample_db(tmp_path: Path, services) -> Path:  # noqa: ANN001
    load_sample(services)
    return tmp_path / "evidence.sqlite"


def _ids(services, *prefixes):  # noqa: ANN001, ANN002, ANN202
    return [str(u) for u in _uids(services, *prefixes)]


def test_cli_brief_one_file_and_a_folder(capsys, services, sample_db, tmp_path):
    mekong, danube = _ids(services, "Mekong", "Danube")
    out = tmp_path / "one.pdf"
    assert (
        main(["--db", str(sample_db), "brief", mekong[:8], "-o", str(out), "--paper", "letter"])
        == 0
    )
    assert "Wrote" in capsys.readouterr().out
    assert round(reader(out).pages[0].mediabox.width) == 612
    folder = tmp_path / "many"
    assert main(["--db", str(sample_db), "brief", mekong, danube, "-o", str(folder)]) == 0
    assert len(list(folder.glob("*.pdf"))) == 2


def test_cli_brief_of_a_confidential_strategy(capsys, services, sample_db, tmp_path):
    (gulf,) = _ids(services, "Gulf of Guinea")
    out = tmp_path / "gulf.pdf"
    assert main(["--db", str(sample_db), "brief", gulf, "-o", str(out)]) == 5
    assert "is confidential" in capsys.readouterr().err and not out.exists()
    assert (
        main(["--db", str(sample_db), "brief", gulf, "-o", str(out), "--include-confidential"]) == 0
    )
    assert CANARY in text_of(out)


def test_cli_compare_brief_and_portfolio(capsys, services, sample_db, tmp_path):
    ids = _ids(services, "Mekong", "Danube")
    out = tmp_path / "cmp.pdf"
    assert main(["--db", str(sample_db), "compare-brief", *ids, "-o", str(out)]) == 0
    assert "Danube Regional Referral Mechanism" in text_of(out)
    code = main(["--db", str(sample_db), "compare-brief", ids[0], "-o", str(out)])
    assert code == 5 and "Choose 2 to 6" in capsys.readouterr().err
    port = tmp_path / "port.pdf"
    assert (
        main(
            [
                "--db",
                str(sample_db),
                "portfolio",
                "--focus",
                "prosecution",
                "--small-cell-k",
                "5",
                "-o",
                str(port),
            ]
        )
        == 0
    )
    text = text_of(port)
    assert "matching: Prosecution" in text and "Mekong" not in text
    assert main(["--db", str(sample_db), "portfolio", "--type", "bogus", "-o", str(port)]) == 2
