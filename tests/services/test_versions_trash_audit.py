"""Concurrent edits become conflicts; deletes go to the Trash, then to tombstones; all audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencetracker.domain.errors import ConflictError, NotFoundError
from evidencetracker.services.container import Services

BASE = {"title": "Coalition", "partnership_type": "ngo_coalition", "focus": ["protection"]}


def test_an_edit_of_a_stale_version_is_a_conflict_with_both_values(backend_services: Services):
    svc = backend_services
    s = svc.strategies.create(BASE)
    svc.strategies.update(s.uid, s.version, {"title": "Coalition (theirs)"})
    with pytest.raises(ConflictError) as err:
        svc.strategies.update(s.uid, s.version, {"title": "Coalition (mine)", "summary": "x"})
    conflict = err.value
    assert (conflict.expected_version, conflict.actual_version) == (1, 2)
    by_field = {c.field: (c.yours, c.theirs) for c in conflict.conflicts}
    assert by_field["title"] == ("Coalition (mine)", "Coalition (theirs)")
    assert svc.strategies.get(s.uid).title == "Coalition (theirs)"  # nothing overwritten
    assert "Nothing was saved" in str(conflict)


def test_two_processes_on_one_file_conflict_rather_than_overwrite(db_path: Path):
    first = Services.open(db_path, author="A")
    second = Services.open(db_path, author="B")
    try:
        s = first.strategies.create(BASE)
        seen_by_second = second.strategies.get(s.uid)
        first.strategies.update(s.uid, s.version, {"summary": "from A"})
        with pytest.raises(ConflictError):
            second.strategies.update(
                seen_by_second.uid, seen_by_second.version, {"summary": "from B"}
            )
        assert second.strategies.get(s.uid).summary == "from A"
    finally:
        first.close()
        second.close()


def test_an_unchanged_save_does_not_bump_the_version(services: Services):
    s = services.strategies.create(BASE)
    same = services.strategies.update(s.uid, s.version, {"title": "Coalition"})
    assert same.version == s.version


def test_trash_restore_and_purge_leave_tombstones(backend_services: Services):
    svc = backend_services
    s = svc.strategies.create(BASE)
    o = svc.outcomes.create(
        s.uid, {"title": "Shelter places", "level": "output", "focus": "protection"}
    )
    i = svc.indicators.create(o.uid, {"name": "Beds"})
    svc.strategies.trash(s.uid)
    assert svc.strategies.count() == 0
    with pytest.raises(NotFoundError):
        svc.strategies.get(s.uid)
    assert [(t.entity_type, t.uid) for t in svc.history.trash()] == [("strategy", s.uid)]
    svc.strategies.restore(s.uid)
    assert svc.strategies.count() == 1 and svc.history.trash() == []

    svc.outcomes.delete(o.uid)  # outcomes go to the Trash too
    assert svc.strategies.detail(s.uid).outcomes == ()
    svc.history.restore(svc.history.trash()[0])
    assert len(svc.strategies.detail(s.uid).outcomes) == 1

    svc.strategies.trash(s.uid)
    assert svc.history.empty_trash() == 1
    stones = {(kind, uid) for kind, uid, _ in svc.history.tombstones()}
    assert {("strategies", s.uid), ("outcomes", o.uid), ("indicators", i.uid)} <= stones
    with pytest.raises(NotFoundError):
        svc.strategies.restore(s.uid)


def test_the_audit_trail_records_who_did_what(services: Services):
    s = services.strategies.create(BASE)
    services.strategies.update(s.uid, s.version, {"title": "Coalition of shelters"})
    services.strategies.trash(s.uid)
    services.strategies.restore(s.uid)
    history = services.history.for_strategy(s.uid)
    assert [h.action for h in history] == ["restore", "delete", "update", "create"]
    assert {h.author for h in history} == {"Tester"}
    assert history[2].changes == {"title": {"from": "Coalition", "to": "Coalition of shelters"}}


def test_listeners_hear_committed_changes_only(services: Services):
    heard = []
    services.ctx.listeners.append(heard.append)
    s = services.strategies.create(BASE)
    with pytest.raises(ConflictError):
        services.strategies.update(s.uid, 99, {"title": "x"})
    assert len(heard) == 1
    assert heard[0].strategy_uids == frozenset({s.uid})
    assert "strategy" in heard[0].entity_types
