"""The sync commands of evidencetracker-cli, end to end on SQLite files."""

from __future__ import annotations

import json

from evidencetracker.cli.main import main
from evidencetracker.services.container import Services
from tests.sync.conftest import edit, new_strategy


def test_sync_conflicts_resolve_and_bundles_from_the_command_line(tmp_path, capsys):
    team = str(tmp_path / "team.sqlite")
    ann_db, bob_db = tmp_path / "ann.sqlite", tmp_path / "bob.sqlite"
    ann, bob = Services.open(ann_db, author="Ann"), Services.open(bob_db, author="Bob")
    uid = new_strategy(ann, title="Original")
    ann.sync.sync(team)
    bob.sync.sync(team)
    edit(ann, uid, title="Ann's title")
    edit(bob, uid, title="Bob's title")
    ann.close()
    bob.close()
    assert main(["--db", str(ann_db), "sync", "--remote", team]) == 0
    assert main(["--db", str(bob_db), "sync", "--remote", team]) == 0
    assert "1 new conflicts to decide" in capsys.readouterr().out
    assert main(["--db", str(bob_db), "conflicts", "--json"]) == 0
    (conflict,) = json.loads(capsys.readouterr().out)
    assert conflict["field"] == "title" and conflict["base"] == "Original"
    assert main(["--db", str(bob_db), "conflicts"]) == 0
    listing = capsys.readouterr().out
    assert "Ann's title" in listing and "Bob's title" in listing and "(made here)" in listing
    short = conflict["uid"][:8]
    assert main(["--db", str(bob_db), "resolve", short, "--keep", "remote"]) == 0
    assert main(["--db", str(bob_db), "conflicts"]) == 0
    assert "0 conflicts" in capsys.readouterr().out
    bob = Services.open(bob_db)
    assert bob.strategies.get(uid).title == "Ann's title"
    bob.close()
    # Bundles: export from Bob, merge into a fresh database; merging twice changes nothing.
    out = tmp_path / "bob.json"
    assert main(["--db", str(bob_db), "bundle-export", str(out)]) == 0
    fresh = tmp_path / "fresh.sqlite"
    assert main(["--db", str(fresh), "init"]) == 0
    assert main(["--db", str(fresh), "merge", str(out)]) == 0
    assert main(["--db", str(fresh), "merge", str(out)]) == 0
    assert "nothing to exchange" in capsys.readouterr().out.splitlines()[-1]
    assert main(["--db", str(bob_db), "resolve", short, "--keep", "a"]) == 1  # already resolved
