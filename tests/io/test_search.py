"""Full-text search: ranking, phrases, prefixes, exclusions, trash, and hostile queries."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencetracker.domain import search_query as Q
from evidencetracker.services.container import Services

NASTY = [
    '"',
    "AND(",
    "AND",
    "NOT red",
    "C++",
    "it's",
    "a.b",
    "(",
    "red OR",
    "NEAR(",
    "''",
    "e-mail",
    "foo:bar",
    "*",
    "^red",
    "-",
    "- -",
    "x <-> y & | !",
    '"unterminated phrase',
    "title:police",
    "{title}: x",
    "))((",
    "\\",
    "%",
    "_",
    "NEAR(a b, 2)",
    "-*",
    "**a",
    "",
    "   ",
    "ø",
    "日本",
    "\x00",
    "a" * 500,
    "OR OR OR",
    '"" "" ""',
    "'; DROP TABLE strategies; --",
]


def _seed(svc: Services) -> dict[str, object]:
    body = {"partnership_type": "other", "focus": ["protection"]}
    title_hit = svc.strategies.create({**body, "title": "Harbour shelter referral network"})
    summary_hit = svc.strategies.create(
        {**body, "title": "Coastal partnership", "summary": "Runs a shelter for survivors."}
    )
    trashed = svc.strategies.create({**body, "title": "Shelter pilot that was dropped"})
    svc.strategies.trash(trashed.uid)
    outcome = svc.outcomes.create(
        summary_hit.uid, {"title": "Survivors housed", "level": "output", "focus": "protection"}
    )
    source = svc.sources.create(
        {
            "source_type": "peer_reviewed",
            "title": "Evaluation of coastal programmes",
            "authors": "Okonkwo, A.; Zoë Lambert",
            "abstract": "A trial of mentoring with e-mail follow-up in fishing ports.",
            "year": 2021,
        }
    )
    finding = svc.findings.create(
        source.uid,
        outcome.uid,
        {"direction": "favourable", "significant": True, "notes": "Wellbeing scale improved"},
    )
    return {
        "title": title_hit,
        "summary": summary_hit,
        "trashed": trashed,
        "source": source,
        "finding": finding,
    }


def test_title_matches_rank_first_and_trash_is_not_found(backend_services: Services):
    seeded = _seed(backend_services)
    hits = backend_services.search.search("shelter")
    uids = [h.uid for h in hits]
    assert uids[0] == seeded["title"].uid
    assert seeded["summary"].uid in uids
    assert seeded["trashed"].uid not in uids
    first = hits[0]
    assert first.entity_type == "strategy" and first.strategy_uid == seeded["title"].uid
    assert Q.HIGHLIGHT_START + "shelter" in first.snippet.lower()


def test_phrases_prefixes_and_exclusions(backend_services: Services):
    seeded = _seed(backend_services)
    search = backend_services.search.search
    assert [h.uid for h in search('"referral network"')] == [seeded["title"].uid]
    assert search('"network referral"') == []
    assert seeded["title"].uid in [h.uid for h in search("harb*")]
    without = [h.uid for h in search("shelter -harbour")]
    assert seeded["title"].uid not in without and seeded["summary"].uid in without


def test_text_in_citations_and_findings_is_found(backend_services: Services):
    seeded = _seed(backend_services)
    by_author = backend_services.search.search("okonkwo")
    assert [(h.entity_type, h.uid) for h in by_author] == [
        ("evidence source", seeded["source"].uid)
    ]
    in_finding = backend_services.search.search("wellbeing")
    assert [(h.entity_type, h.uid) for h in in_finding] == [("finding", seeded["finding"].uid)]
    assert in_finding[0].strategy_uid == seeded["summary"].uid
    assert backend_services.search.search("e-mail")[0].uid == seeded["source"].uid


def test_an_edit_and_a_delete_update_the_index(services: Services):
    seeded = _seed(services)
    record = seeded["title"]
    services.strategies.update(record.uid, record.version, {"title": "Harbour hostel"})
    assert [h.uid for h in services.search.search("hostel")] == [record.uid]
    assert record.uid not in [h.uid for h in services.search.search("referral")]
    services.strategies.purge(record.uid)
    assert services.search.search("hostel") == []


def test_accents_fold_on_sqlite(services: Services):
    seeded = _seed(services)
    assert services.search.search("zoe")[0].uid == seeded["source"].uid


@pytest.mark.parametrize("query", NASTY)
def test_nasty_queries_return_lists(backend_services: Services, query: str):
    _seed(backend_services)
    assert isinstance(backend_services.search.search(query), list)


def test_operators_typed_as_words_are_plain_words(backend_services: Services):
    body = {"partnership_type": "other", "focus": ["protection"]}
    rec = backend_services.strategies.create({**body, "title": "Search AND rescue NEAR ports"})
    assert [h.uid for h in backend_services.search.search("AND rescue NEAR")] == [rec.uid]


def test_without_fts5_search_falls_back_to_like(services: Services):
    seeded = _seed(services)
    services.search._engine = "like"
    hits = services.search.search("shelter -harbour")
    assert seeded["summary"].uid in [h.uid for h in hits]
    assert seeded["title"].uid not in [h.uid for h in hits]
    assert Q.HIGHLIGHT_START in hits[0].snippet


_PIECES = st.sampled_from(
    list("abc xyz\"()-*:^+.'\\%_~!&|<>{}[],;") + ["AND", "OR", "NOT", "NEAR", "shelter"]
)
_QUERY_TEXT = st.one_of(
    st.lists(_PIECES, max_size=12).map("".join),
    st.lists(_PIECES, max_size=12).map(" ".join),
    st.text(max_size=30),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=_QUERY_TEXT)
def test_fuzzed_queries_never_raise(services: Services, query: str):
    result = services.search.search(query)
    assert isinstance(result, list)
