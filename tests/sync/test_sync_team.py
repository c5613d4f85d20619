"""Sync between laptops (SQLite) and the team database (PostgreSQL), per issue 9."""

from __future__ import annotations

import pytest

from evidencetracker.services.container import Services
from tests.sync.conftest import clock_offset, dump, edit, new_strategy

pytestmark = pytest.mark.postgres


@pytest.fixture
def team(pg_url: str):
    svc = Services.open(pg_url, author="server")
    yield svc
    svc.close()


def test_disjoint_edits_merge_and_resync_is_a_no_op(laptops, pg_url, team):
    ann, bob = laptops("Ann"), laptops("Bob")
    uid = new_strategy(ann)
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    edit(ann, uid, title="Joint task force (Ann)")
    edit(bob, uid, summary="Bob's summary")
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    ann.sync.sync(pg_url)
    for svc in (ann, bob, team):
        rec = svc.strategies.get(uid)
        assert (rec.title, rec.summary) == ("Joint task force (Ann)", "Bob's summary")
    assert ann.conflicts.open_count() == 0
    before = [dump(s) for s in (ann, bob, team)]
    for svc in (ann, bob, ann):
        report = svc.sync.sync(pg_url)
        assert (report.pulled, report.pushed) == (0, 0)
    assert [dump(s) for s in (ann, bob, team)] == before
    assert dump(ann) == dump(team) == dump(bob)


def test_same_field_edits_conflict_keeping_all_three_values(laptops, pg_url, team):
    ann, bob = laptops("Ann"), laptops("Bob")
    uid = new_strategy(ann, title="Original")
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    edit(ann, uid, title="Ann's title")
    edit(bob, uid, title="Bob's title")
    ann.sync.sync(pg_url)
    report = bob.sync.sync(pg_url)
    assert report.new_conflicts == 1
    ann.sync.sync(pg_url)
    for svc in (ann, bob, team):
        assert svc.conflicts.open_count() == 1
        (c,) = svc.conflicts.list()
        assert (c.field, c.base) == ("title", "Original")
        assert {(c.a.value, c.a.author), (c.b.value, c.b.author)} == {
            ("Ann's title", "Ann"),
            ("Bob's title", "Bob"),
        }
        assert c.strategy_uid == uid
        assert svc.conflicts.strategies_with_open_conflicts() == {uid}
    # One provisional value everywhere, chosen by value order: "Bob's" > "Ann's".
    assert {s.strategies.get(uid).title for s in (ann, bob, team)} == {"Bob's title"}


def test_resolving_travels_and_is_audited(laptops, pg_url, team):
    ann, bob = laptops("Ann"), laptops("Bob")
    uid = new_strategy(ann, title="Original")
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    edit(ann, uid, title="Ann's title")
    edit(bob, uid, title="Bob's title")
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    (c,) = bob.conflicts.list()
    resolved = bob.conflicts.resolve(c.uid, "value", "Agreed title")
    assert resolved.status == "resolved" and bob.conflicts.open_count() == 0
    history = bob.history.for_strategy(uid)
    assert any(h.action == "resolve" and h.author == "Bob" for h in history)
    bob.sync.sync(pg_url)
    ann.sync.sync(pg_url)
    for svc in (ann, bob, team):
        assert svc.strategies.get(uid).title == "Agreed title"
        assert svc.conflicts.open_count() == 0
        assert svc.conflicts.list(status="resolved")[0].resolved_by == "Bob"


def test_delete_against_edit_conflicts_and_never_resurrects(laptops, pg_url, team):
    ann, bob = laptops("Ann"), laptops("Bob")
    uid = new_strategy(ann)
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    ann.strategies.purge(uid)
    edit(bob, uid, summary="Bob kept working on it")
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    ann.sync.sync(pg_url)
    for svc in (ann, bob, team):
        assert svc.strategies.count() == 0
        assert any(str(t[1]) == str(uid) for t in svc.history.tombstones())
        (c,) = svc.conflicts.list()
        assert c.kind == "delete"
        kept = c.b.value if c.a.is_deletion else c.a.value
        assert kept["summary"] == "Bob kept working on it"
    # Syncing again changes nothing (the tombstone stays, no revival).
    assert bob.sync.sync(pg_url).changed_nothing
    # A person decides to bring it back: it returns as a new record, everywhere.
    (c,) = bob.conflicts.list()
    bob.conflicts.resolve(c.uid, "a" if not c.a.is_deletion else "b")
    bob.sync.sync(pg_url)
    ann.sync.sync(pg_url)
    for svc in (ann, bob, team):
        (row,) = svc.strategies.list()
        assert row.uid != uid and row.title == "Joint task force"


def test_trash_against_edit_keeps_both_and_asks(laptops, pg_url, team):
    ann, bob = laptops("Ann"), laptops("Bob")
    uid = new_strategy(ann)
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    ann.strategies.trash(uid)
    edit(bob, uid, summary="edited")
    ann.sync.sync(pg_url)
    bob.sync.sync(pg_url)
    (c,) = bob.conflicts.list()
    assert c.kind == "trash"
    (row,) = dump(team)["strategies"]  # trashed, with the edit kept
    assert row["summary"] == "edited" and row["deleted_at"] is not None
    bob.conflicts.resolve(c.uid, "a" if c.a.value is None else "b")  # keep it (restore)
    bob.sync.sync(pg_url)
    assert team.strategies.count() == 1


def _copy_pg(pg_url: str, suffix: str) -> str:
    """A copy of the PostgreSQL test database (CREATE DATABASE ... TEMPLATE)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    name = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_pg(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.parametrize("skew", [{}, {"A": 24, "B": -24}], ids=["same-clocks", "skewed-clocks"])
def test_sync_order_does_not_matter(tmp_path, pg_url, skew):
    """A and B edit offline (same field, other fields, a new outcome); A,B vs B,A syncs."""
    import shutil

    start = tmp_path / "start"
    start.mkdir()
    people = {n: Services.open(start / f"{n}.sqlite", author=n) for n in "AB"}
    with clock_offset(skew.get("A", 0)):
        uid = new_strategy(people["A"], title="Base")
        people["A"].sync.sync(pg_url)
    with clock_offset(skew.get("B", 0)):
        people["B"].sync.sync(pg_url)
    with clock_offset(skew.get("A", 0)):
        edit(people["A"], uid, title="A title", summary="A summary")
    with clock_offset(skew.get("B", 0)):
        edit(people["B"], uid, title="B title", status="completed")
        people["B"].outcomes.create(
            uid, {"title": "More referrals", "level": "output", "focus": "protection"}
        )
    for svc in people.values():
        svc.close()
    results = []
    for order in ("AB", "BA"):
        folder = tmp_path / order
        shutil.copytree(start, folder)
        team_url = _copy_pg(pg_url, order.lower())
        copies = {n: Services.open(folder / f"{n}.sqlite", author=n) for n in "AB"}
        try:
            for name in order + order:  # everyone syncs twice: all changes reach everyone
                with clock_offset(skew.get(name, 0)):
                    copies[name].sync.sync(team_url)
            team = Services.open(team_url)
            results.append(dump(team, timestamps=False))
            assert dump(copies["A"], timestamps=False) == results[-1]
            assert dump(copies["B"], timestamps=False) == results[-1]
            team.close()
        finally:
            for svc in copies.values():
                svc.close()
            _drop_pg(team_url)
    assert results[0] == results[1]
    (strategy,) = results[0]["strategies"]
    assert (strategy["title"], strategy["summary"], strategy["status"].value) == (
        "B title",
        "A summary",
        "completed",
    )
    assert len(results[0]["outcomes"]) == 1 and len(results[0]["conflicts"]) == 1


def test_skewed_clocks_change_nothing(tmp_path, pg_url):
    """The same offline work under clocks off by +-24 h merges to the same values."""
    outcomes = []
    for label, skew in (("even", {}), ("skewed", {"A": 24, "B": -24})):
        team_url = _copy_pg(pg_url, label)
        people = {n: Services.open(tmp_path / f"{label}-{n}.sqlite", author=n) for n in "AB"}
        try:
            with clock_offset(skew.get("A", 0)):
                uid = new_strategy(people["A"], title="Base")
                people["A"].sync.sync(team_url)
            with clock_offset(skew.get("B", 0)):
                people["B"].sync.sync(team_url)
            with clock_offset(skew.get("A", 0)):
                edit(people["A"], uid, title="A later title")
            with clock_offset(skew.get("B", 0)):
                edit(people["B"], uid, title="B title", summary="B summary")
            for name in "BAB":
                with clock_offset(skew.get(name, 0)):
                    people[name].sync.sync(team_url)
            team = Services.open(team_url)
            rec = team.strategies.get(uid)
            (c,) = team.conflicts.list()
            outcomes.append(
                (rec.title, rec.summary, rec.version, sorted([c.a.value, c.b.value]), c.base)
            )
            team.close()
        finally:
            for svc in people.values():
                svc.close()
            _drop_pg(team_url)
    assert outcomes[0] == outcomes[1]
