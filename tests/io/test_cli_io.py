"""search, import and export from the command line, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from evidencetracker.cli.main import main


def test_cli_search_import_export(tmp_path: Path, capsys):
    db = str(tmp_path / "a.sqlite")
    assert main(["--db", db, "init", "--sample"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "search", "task*", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert any(h["entity_type"] == "strategy" and "Task Force" in h["title"] for h in hits)
    assert main(["--db", db, "search", '"( AND']) == 0
    bundle = tmp_path / "b.json"
    assert main(["--db", db, "export", str(bundle)]) == 0
    assert main(["--db", db, "export", str(tmp_path / "csv"), "--format", "csv"]) == 0
    assert (tmp_path / "csv" / "findings.csv").is_file()
    fresh = str(tmp_path / "fresh.sqlite")
    assert main(["--db", fresh, "init"]) == 0
    assert main(["--db", fresh, "import", str(bundle)]) == 0
    capsys.readouterr()
    assert (
        main(["--db", fresh, "import", str(tmp_path / "csv" / "strategies.csv"), "--dry-run"]) == 0
    )
    assert "Already up to date" in capsys.readouterr().out
    empty = tmp_path / "e.csv"
    empty.write_text("")
    assert main(["--db", fresh, "import", str(empty)]) == 5
    assert "is empty" in capsys.readouterr().err
    assert main(["--db", fresh, "import", str(tmp_path / "missing.csv")]) == 2
    assert main(["--db", fresh, "import", str(bundle)]) == 5  # same records again: refused
