"""Bundles (the JSON bundle of services/exporting) merged with the sync rules."""

from __future__ import annotations

import json

import pytest

from evidencetracker.domain.errors import ValidationError
from tests.sync.conftest import dump, edit, new_strategy


def test_bundle_exchange_merges_conflicts_and_remerge_is_a_no_op(laptops, tmp_path):
    ann, bob = laptops("Ann"), laptops("Bob")
    uid = new_strategy(ann, title="Original")
    ann.sync_bundles.export(tmp_path / "ann1.json")
    report = bob.sync_bundles.merge(tmp_path / "ann1.json")
    assert report.pulled >= 1 and bob.strategies.get(uid).title == "Original"
    edit(ann, uid, title="Ann's title", summary="Ann summary")
    edit(bob, uid, title="Bob's title", status="completed")
    ann.sync_bundles.export(tmp_path / "ann2.json")
    bob.sync_bundles.export(tmp_path / "bob2.json")
    bob.sync_bundles.merge(tmp_path / "ann2.json")
    ann.sync_bundles.merge(tmp_path / "bob2.json")
    for svc in (ann, bob):
        rec = svc.strategies.get(uid)
        assert (rec.summary, rec.status.value, rec.title) == (
            "Ann summary",
            "completed",
            "Bob's title",
        )
        (c,) = svc.conflicts.list()
        assert {c.a.value, c.b.value} == {"Ann's title", "Bob's title"}
        assert c.base == "Original"
    before = dump(bob)
    again = bob.sync_bundles.merge(tmp_path / "ann2.json")
    assert again.pulled == 0 and dump(bob) == before


def test_since_peer_bundle_holds_only_changes(laptops, tmp_path):
    ann, bob = laptops("Ann"), laptops("Bob")
    for i in range(3):
        new_strategy(ann, title=f"Strategy {i}")
    bob.sync_bundles.merge(ann.sync_bundles.export(tmp_path / "all.json"))
    changed = new_strategy(bob, title="Bob's new one")
    ((peer, _name),) = bob.sync_bundles.peers()
    out = bob.sync_bundles.export(tmp_path / "since.json", since_peer=peer)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["uid"] for r in data["tables"]["strategies"]] == [str(changed)]
    ann.sync_bundles.merge(out)
    assert ann.strategies.count() == 4


def test_same_uid_different_content_is_a_conflict_not_an_overwrite(laptops, tmp_path):
    ann = laptops("Ann")
    uid = new_strategy(ann, title="Ann's version")
    path = ann.sync_bundles.export(tmp_path / "a.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["strategies"][0]["title"] = "Forged"
    data["sync"]["replica"] = "00000000-0000-0000-0000-000000000001"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data), encoding="utf-8")
    ann.sync_bundles.merge(forged)
    assert ann.strategies.get(uid).title in {"Ann's version", "Forged"}
    (c,) = ann.conflicts.list()
    assert {c.a.value, c.b.value} == {"Ann's version", "Forged"} and not c.has_base


def test_broken_bundle_names_the_row_and_writes_nothing(laptops, tmp_path):
    ann, bob = laptops("Ann"), laptops("Bob")
    new_strategy(ann)
    path = ann.sync_bundles.export(tmp_path / "a.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["strategies"][0]["version"] = "many"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = dump(bob)
    with pytest.raises(ValidationError, match="strategies row 1"):
        bob.sync_bundles.merge(path)
    assert dump(bob) == before
