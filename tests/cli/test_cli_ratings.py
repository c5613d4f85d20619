"""evidencetracker-cli rate, compare and gapmap: text, JSON and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencetracker.cli.main import EXIT_INVALID, EXIT_NOT_FOUND, main


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-sample") / "sample.sqlite"
    assert main(["--db", str(path), "init", "--sample"]) == 0
    return path


@pytest.fixture
def db(capsys, sample_file: Path, db_path: Path) -> tuple[str, dict[str, str]]:
    """A copy of a sample database and the uids of its strategies by title."""
    db_path.write_bytes(sample_file.read_bytes())
    capsys.readouterr()
    _, out, _ = run(capsys, "--db", str(db_path), "list", "--json")
    return str(db_path), {r["title"]: r["uid"] for r in json.loads(out)}


def test_rate_prints_each_outcome_with_studies_trace_and_external_ratings(capsys, db):
    path, uids = db
    mekong = uids["Mekong Ethical Recruitment Alliance"]
    code, out, _ = run(capsys, "--db", path, "rate", mekong[:8])
    assert code == 0
    assert out.startswith("Mekong Ethical Recruitment Alliance\n")
    assert "Headline rating: Proven (high certainty)" in out
    assert (
        "Recruitment fees paid by migrant workers reduced [Long-term outcome, Prevention, primary]"
        in out
    )
    study = next(line for line in out.splitlines() if line.strip().startswith("Lindqvist 2021"))
    assert study.split() == [
        "Lindqvist",
        "2021",
        "5",
        "Favourable",
        "Randomised",
        "controlled",
        "trial",
    ]
    assert "Proven: two studies with score >= 4" in out
    assert "  - CrimeSolutions: Effective (2023-05-15)" in out

    code, out, _ = run(capsys, "--db", path, "rate", mekong, "--json")
    data = json.loads(out)
    assert code == 0 and data["headline_level"] == "proven"
    assert data["outcomes"][0]["studies"][0] == {
        "uid": data["outcomes"][0]["studies"][0]["uid"],
        "label": "Lindqvist 2021",
        "score": 5,
        "verdict": "favourable",
        "design": "rct",
    }
    assert data["outcomes"][1]["level"] == "not_rated"
    assert data["external_ratings"][0]["source"] == "crimesolutions"


def test_rate_shows_an_override_beside_the_computed_rating(capsys, db):
    from evidencetracker.services.container import Services

    path, uids = db
    danube = uids["Danube Regional Referral Mechanism"]
    services = Services.open(path, author="R. Reviewer")
    outcome = services.ratings.for_strategy(danube).outcomes[1]
    services.ratings.override(outcome.outcome_uid, "emerging", "Ministry data corroborate it.")
    services.close()
    code, out, _ = run(capsys, "--db", path, "rate", danube)
    assert code == 0
    assert "  Rating: Emerging - OVERRIDE" in out
    assert "  Overridden by R. Reviewer on " in out
    assert "“Ministry data corroborate it.”" in out
    assert "  Computed by the rubric: Inconclusive (very low certainty)" in out


def test_compare_text_and_json(capsys, db):
    path, uids = db
    chosen = [
        uids["Mekong Ethical Recruitment Alliance"],
        uids["Safe Journeys Community Partnership"],
    ]
    code, out, _ = run(capsys, "--db", path, "compare", *[u[:8] for u in chosen])
    assert code == 0
    lines = out.splitlines()
    assert "Mekong Ethical Recruitment" in lines[0] and "Safe Journeys Community" in lines[0]
    headline = next(line for line in lines if "Headline rating" in line)
    assert headline.startswith("* Headline rating")
    assert "Proven (high certainty)" in headline and "No effects (low certainty)" in headline
    assert "* marks the rows whose values differ" in out

    code, out, _ = run(capsys, "--db", path, "compare", *chosen, "--json")
    data = json.loads(out)
    assert code == 0
    assert [s["uid"] for s in data["strategies"]] == chosen
    rows = {r["key"]: r for r in data["rows"]}
    assert rows["headline"]["values"] == ["Proven (high certainty)", "No effects (low certainty)"]
    assert rows["headline"]["differs"] is True
    assert data["strategies"][0]["studies_by_score"] == [0, 0, 0, 0, 2, 1]


def test_compare_errors_exit_non_zero(capsys, db):
    path, uids = db
    one = next(iter(uids.values()))
    code, out, err = run(capsys, "--db", path, "compare", one)
    assert code == EXIT_INVALID and out == "" and "Choose 2 to 6" in err
    code, _, err = run(capsys, "--db", path, "compare", *uids.values())  # all ten
    assert code == EXIT_INVALID and "10 chosen" in err
    code, _, err = run(capsys, "--db", path, "compare", one, "ffffffff")
    assert code == EXIT_NOT_FOUND and "No strategy with ID ffffffff" in err
    code, _, err = run(capsys, "--db", path, "rate", "0000000000")
    assert code == EXIT_NOT_FOUND


def test_gapmap_text_json_and_layouts(capsys, db):
    path, _ = db
    code, out, _ = run(capsys, "--db", path, "gapmap")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "Partnership",
        "type",
        "Prevention",
        "Protection",
        "Prosecution",
        "Partnership",
    ]
    gba = next(line for line in lines if line.startswith("Government-business alliance"))
    assert "3 | Proven | 1" in gba and "- (1)" in gba
    other = next(line for line in lines if line.startswith("Other"))
    assert "1 | Harmful ! | 1" in other
    assert "'-' marks an empty cell" in out

    code, out, _ = run(capsys, "--db", path, "gapmap", "--layout", "outcome_level", "--json")
    data = json.loads(out)
    assert code == 0 and data["layout"] == "outcome_level"
    assert data["rows"] == ["output", "short_term", "long_term", "impact"]
    impact = [c for c in data["cells"] if c["row"] == "impact"]
    assert len(impact) == 4 and all(c["studies"] == 0 and c["strategy_uids"] == [] for c in impact)

    with pytest.raises(SystemExit) as exit_info:
        main(["--db", path, "gapmap", "--layout", "sector"])
    assert exit_info.value.code == 2
