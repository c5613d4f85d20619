"""evidencetracker-cli init, list and show: output, JSON and error paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencetracker.cli.main import EXIT_DATABASE, EXIT_NOT_FOUND, main


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_sample_then_list_and_show(capsys, db_path: Path):
    code, out, _ = run(capsys, "--db", str(db_path), "init", "--sample")
    assert code == 0 and "Loaded 10 sample strategies" in out
    code, out, _ = run(capsys, "--db", str(db_path), "list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 10
    mekong = next(r for r in rows if r["title"] == "Mekong Ethical Recruitment Alliance")
    assert mekong["headline_level"] == "proven" and mekong["is_sample"] is True

    code, out, _ = run(capsys, "--db", str(db_path), "show", mekong["uid"], "--json")
    detail = json.loads(out)
    assert code == 0
    assert detail["strategy"]["uid"] == mekong["uid"]
    assert [p["role"] for p in detail["partners"]][0] == "lead"
    assert detail["outcomes"][0]["rating"]["level"] == "proven"
    assert detail["outcomes"][0]["findings"] and detail["sources"]

    code, out, _ = run(capsys, "--db", str(db_path), "show", mekong["uid"][:8])
    assert code == 0
    assert out.startswith("Mekong Ethical Recruitment Alliance\n")
    assert "(Illustrative sample - not real evaluation results)" in out
    assert "Rating: Proven (High certainty)" in out

    code, out, _ = run(capsys, "--db", str(db_path), "list")
    assert code == 0 and "10 strategies" in out and "[sample]" in out


def test_unknown_id_is_an_error_with_its_own_exit_code(capsys, db_path: Path):
    run(capsys, "--db", str(db_path), "init")
    missing = "123e4567-e89b-12d3-a456-426614174000"
    code, out, err = run(capsys, "--db", str(db_path), "show", missing)
    assert code == EXIT_NOT_FOUND and out == ""
    assert "No strategy with ID 123e4567-e89b-12d3-a456-426614174000" in err


def test_unreadable_database_is_reported(capsys, tmp_path: Path):
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database " * 50)
    code, _, err = run(capsys, "--db", str(junk), "list")
    assert code == EXIT_DATABASE and "not an EvidenceTracker database" in err
    code, _, err = run(capsys, "--db", str(tmp_path / "missing.sqlite"), "list")
    assert code == EXIT_DATABASE and "does not exist" in err
    assert not (tmp_path / "missing.sqlite").exists()


def test_bad_usage_exits_with_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
