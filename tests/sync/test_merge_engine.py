"""The pure merge engine: three-way rules, conflicts, tombstones, determinism."""

from __future__ import annotations

from evidencetracker.services.sync.changeset import (
    DELETED,
    BaseState,
    ChangeSet,
    Origin,
    RecordState,
    TombstoneState,
)
from evidencetracker.services.sync.merge import merge

S = ("strategies", "11111111-1111-1111-1111-111111111111")
OUT = ("outcomes", "22222222-2222-2222-2222-222222222222")
BASE_FIELDS = {"title": "T", "summary": "S", "deleted_at": None}


def rec(key, version, origin="x", **fields):
    values = dict(BASE_FIELDS) if key == S else {"title": "O", "strategy_id": S[1]}
    values.update(fields)
    return RecordState(
        key[0],
        key[1],
        version,
        values,
        "2026-01-01T00:00:00+00:00",
        Origin(origin, origin.upper(), "2026-01-01"),
    )


def cs(replica, *states, tombs=()):
    return ChangeSet(replica, {s.key: s for s in states}, {t.key: t for t in tombs})


BASE = {S: BaseState(1, BASE_FIELDS)}


def test_disjoint_edits_are_both_kept_and_version_bumps():
    result = merge(BASE, cs("L", rec(S, 2, title="L")), cs("R", rec(S, 2, summary="R")))
    merged = result.records[S]
    assert (merged.fields["title"], merged.fields["summary"], merged.version) == ("L", "R", 3)
    assert result.new_conflicts == []
    assert set(result.local.upserts) == set(result.remote.upserts) == {S}


def test_one_sided_change_fast_forwards_without_bump():
    result = merge(BASE, cs("L", rec(S, 1)), cs("R", rec(S, 4, title="R")))
    assert result.records[S].version == 4
    assert result.remote.count == 0
    assert result.local.upserts[S][1] == 1  # expected version on the local side


def test_same_field_conflict_keeps_all_three_values_and_is_symmetric():
    one = merge(BASE, cs("L", rec(S, 2, "l", title="A")), cs("R", rec(S, 3, "r", title="B")))
    two = merge(BASE, cs("R", rec(S, 3, "r", title="B")), cs("L", rec(S, 2, "l", title="A")))
    assert len(one.new_conflicts) == 1
    c = one.new_conflicts[0]
    assert (c.base, c.value_a, c.value_b) == ({"v": "T"}, {"v": "A"}, {"v": "B"})
    assert (c.origin_a.author, c.origin_b.author) == ("L", "R")
    assert c == two.new_conflicts[0]
    assert one.records[S] == two.records[S]
    assert one.records[S].fields["title"] == "B"  # canonical order, not side or time


def test_purge_against_edit_is_a_conflict_and_stays_deleted():
    tomb = TombstoneState(S[0], S[1], 1, "2026-01-02T00:00:00+00:00", "Ann")
    result = merge(BASE, cs("L", tombs=[tomb]), cs("R", rec(S, 2, title="edited")))
    assert S not in result.records and result.dead[S] == tomb
    (c,) = result.new_conflicts
    assert c.kind == "delete" and DELETED in (c.value_a["v"], c.value_b["v"])
    assert result.remote.deletes == {S: 2} and S in result.remote.tombstones


def test_purge_of_unchanged_record_is_silent():
    tomb = TombstoneState(S[0], S[1], 1, "2026-01-02T00:00:00+00:00", "Ann")
    result = merge(BASE, cs("L", rec(S, 1)), cs("R", tombs=[tomb]))
    assert result.new_conflicts == [] and result.local.deletes == {S: 1}


def test_child_created_under_purged_parent_is_kept_in_a_conflict():
    tomb = TombstoneState(S[0], S[1], 1, "2026-01-02T00:00:00+00:00", "Ann")
    result = merge(BASE, cs("L", tombs=[tomb]), cs("R", rec(S, 1), rec(OUT, 1)))
    assert OUT not in result.records and OUT in result.dead
    kinds = sorted((c.table, c.kind) for c in result.new_conflicts)
    assert kinds == [("outcomes", "delete")]


def test_trash_against_edit_keeps_both_and_records_a_conflict():
    result = merge(
        BASE,
        cs("L", rec(S, 2, deleted_at="2026-01-03T00:00:00+00:00")),
        cs("R", rec(S, 2, title="edited")),
    )
    merged = result.records[S]
    assert merged.fields["title"] == "edited" and merged.fields["deleted_at"]
    assert [c.kind for c in result.new_conflicts] == ["trash"]


def test_remerge_of_merged_state_changes_nothing():
    first = merge(BASE, cs("L", rec(S, 2, title="A")), cs("R", rec(S, 2, title="B")))
    merged = first.records[S]
    new_base = {**BASE, **first.base}
    conflicts = {c.uid: c for c in first.new_conflicts}
    again = merge(
        new_base,
        ChangeSet("L", {S: merged}, {}, conflicts),
        ChangeSet("R", {S: merged}, {}, conflicts),
    )
    assert again.local.count == again.remote.count == 0 and again.base == {}
