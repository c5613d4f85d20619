"""The browser's text filter: the trigram index (SQLite) gives exactly what LIKE gives."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from evidencetracker.db import models as M
from evidencetracker.services.container import Services
from evidencetracker.services.strategies import StrategyQuery, filter_strategies
from evidencetracker.services.text_filter import TRIGRAM_TABLE, trigram_query

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
BODY = {"partnership_type": "other", "focus": ["protection"]}

# (title, summary): accents in both cases, LIKE's wildcards, quotes, a backslash, letters whose
# case only Unicode folds (É/é, Ä/ä), letters that fold to ASCII (the Kelvin sign, the long s,
# dotted capital I), a ligature, CJK, an emoji, and very short words.
TEXTS = [
    ("Café Zoë: ÉCOLE du soir", "Évaluation des écoles rurales"),
    ("école rurale", "Ecole rurale, sans accent"),
    ("100% coverage_rate for C++ and C#", "rate 100 percent; coverage rate"),
    ('The "quoted" partner\'s plan', "it's a 'single' quote and a \"double\" one"),
    ("back\\slash path", "a\\b and a/b"),
    ("Straße STRASSE strasse", "Ärzte ärzte ÄRZTE"),
    ("\u212aelvin scale", "ſurvivors ſhelter"),
    ("İstanbul ıi", "Istanbul istanbul"),
    ("ﬁnance ﬂow", "finance flow"),
    ("日本の取り組み", "取り組み 日本"),
    ("🙂 survivors", "peer 🙂 mentoring"),
    ("a b ab abc", "x y xy xyz"),
    ("Harbour shelter referral network", "Runs a shelter for survivors."),
    ("Trafficking hotline", ""),
    ("AND OR NOT NEAR", "title:abc (x) * ^y -z"),
]

FILTERS = [
    "%",
    "_",
    "100%",
    "e_r",
    "%_",
    "'",
    '"',
    '"quoted"',
    "partner's",
    "it's",
    "café",
    "CAFÉ",
    "Café",
    "zoe",
    "zoë",
    "ZOË",
    "école",
    "École",
    "ÉCOLE",
    "ecole",
    "écoles rurales",
    "ärzte",
    "ÄRZTE",
    "Ärzte",
    "strasse",
    "straße",
    "STRASSE",
    "kelvin",
    "\u212aelvin",
    "survivors",
    "ſurvivors",
    "istanbul",
    "İstanbul",
    "ISTANBUL",
    "finance",
    "ﬁnance",
    "fin",
    "日本",
    "日本の",
    "取り組み",
    "🙂",
    "🙂 survivors",
    "c++",
    "C#",
    "\\",
    "back\\slash",
    "a\\b",
    "a",
    "ab",
    "abc",
    "a b",
    "ab xyz",
    "x",
    "xy",
    "ra",
    "rate",
    "RATE cov",
    "shelter",
    "SHELTER network",
    "shelter nothinglikethis",
    "traffick",
    "AND",
    "NOT",
    "OR",
    "NEAR",
    "*",
    "tra*",
    "(x)",
    "title:abc",
    "^y",
    "-z",
    "",
    "   ",
]


def _seed(svc: Services) -> None:
    for title, summary in TEXTS:
        svc.strategies.create({**BODY, "title": title, "summary": summary})


def _titles(svc: Services, text: str, *, trigram: bool) -> list[str]:
    stmt = filter_strategies(select(M.Strategy.title), StrategyQuery(text=text), trigram=trigram)
    with svc.ctx.read() as session:
        return sorted(session.scalars(stmt.order_by(M.Strategy.id)))


def _ascii_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _like_reference(text: str) -> list[str]:
    """What LIKE means here, in Python: every word a substring, ASCII letters without case."""
    words = [_ascii_lower(w) for w in text.split()]
    return sorted(
        title
        for title, summary in TEXTS
        if all(w in _ascii_lower(title) or w in _ascii_lower(summary) for w in words)
    )


def test_a_new_sqlite_database_has_the_trigram_index(services: Services):
    with services.ctx.read() as session:
        assert services.strategies._has_trigram(session)


@pytest.mark.parametrize("text", FILTERS)
def test_trigram_and_like_filters_agree(services: Services, text: str):
    _seed(services)
    expected = _like_reference(text)
    assert _titles(services, text, trigram=False) == expected
    assert _titles(services, text, trigram=True) == expected
    # The service itself (which uses the index) agrees, in count and in list.
    listed = services.strategies.list(StrategyQuery(text=text))
    assert sorted(s.title for s in listed) == expected
    assert services.strategies.count(StrategyQuery(text=text)) == len(expected)


def test_short_words_and_nul_are_left_to_like():
    assert trigram_query(["a", "ab", "x\x00yz"]) is None
    assert trigram_query(["ab", "abc", 'a"b']) == '"abc" AND "a""b"'


def test_the_index_follows_edits_trash_and_purge(services: Services):
    _seed(services)
    rec = services.strategies.create({**BODY, "title": "Mobile clinic", "summary": "vans"})
    rec = services.strategies.update(rec.uid, rec.version, {"summary": "boats and Ümläuts"})
    for text in ("vans", "boats", "ümläuts", "Ümläuts", "clinic"):
        assert _titles(services, text, trigram=True) == _titles(services, text, trigram=False)
    assert _titles(services, "boats", trigram=True) == ["Mobile clinic"]
    assert _titles(services, "vans", trigram=True) == []
    services.strategies.trash(rec.uid)
    assert _titles(services, "boats", trigram=True) == []
    services.strategies.restore(rec.uid)
    assert _titles(services, "boats", trigram=True) == ["Mobile clinic"]
    services.strategies.purge(rec.uid)
    assert _titles(services, "clinic", trigram=True) == []
    conn = sqlite3.connect(services.db.path)
    try:  # raises if the index and the table disagree
        conn.execute(f"INSERT INTO {TRIGRAM_TABLE}({TRIGRAM_TABLE}) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_an_upgraded_database_indexes_its_existing_strategies(tmp_path: Path):
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "0004.sqlite", db)
    svc = Services.open(db, author="Tester")
    try:
        with svc.ctx.read() as session:
            titles = list(session.scalars(select(M.Strategy.title)))
            assert svc.strategies._has_trigram(session)
        words = {w for t in titles for w in t.split() if len(w) >= 3}
        assert len(words) > 10
        for word in sorted(words):
            expected = _titles(svc, word, trigram=False)
            assert expected and _titles(svc, word, trigram=True) == expected
    finally:
        svc.close()


@pytest.mark.postgres
def test_postgresql_filters_with_like(pg_url: str):
    svc = Services.open(pg_url, author="Tester")
    try:
        _seed(svc)
        with svc.ctx.read() as session:
            assert not svc.strategies._has_trigram(session)
        for text in ("shelter", "100%", "e_r", "partner's", "ab", "café"):
            listed = svc.strategies.list(StrategyQuery(text=text))
            assert sorted(s.title for s in listed) == _like_reference(text)
    finally:
        svc.close()


_PIECES = st.sampled_from(list("aAbBcéÉäÄ%_\"'\\ ßſ\u212akK1") + ["abc", "ÉCO", "ra", "cov"])


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(_PIECES, max_size=8).map("".join))
def test_fuzzed_filters_agree(services: Services, text: str):
    if services.strategies.count() == 0:
        _seed(services)
    assert _titles(services, text, trigram=True) == _titles(services, text, trigram=False)
    assert _titles(services, text, trigram=False) == _like_reference(text)
