"""Full-text search: ranking, phrases, prefixes, exclusions, trash, and hostile queries."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencetracker.domain import search_query as Q
from evidencetracker.services import search as search_module
from evidencetracker.services.container import Services
from evidencetracker.services.search import SearchService

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


# -- ranking: title first, the Trash, and what the FTS5 shortcuts may and may not change -------
def _source(svc: Services, title: str, abstract: str = "") -> object:
    return svc.sources.create(
        {"source_type": "case_study", "title": title, "abstract": abstract, "year": 2020}
    )


def test_a_title_match_ranks_above_a_better_scored_abstract_match(backend_services: Services):
    svc = backend_services
    filler = " ".join(f"word{n}" for n in range(300))
    in_title = _source(svc, "Kiln workers", filler)
    in_abstract = _source(svc, "Brick making", "kiln " * 8)
    trashed = _source(svc, "Kiln kiln kiln")
    svc.sources.delete(trashed.uid)
    hits = svc.search.search("kiln")
    assert [h.uid for h in hits] == [in_title.uid, in_abstract.uid]
    if svc.search.engine() == "fts5":
        # The premise: by score alone the abstract match would come first.
        assert hits[1].rank > hits[0].rank


def _dominated(svc: Services) -> dict[str, list]:
    """'ferry' in every strategy (bm25 then scores it ~0) and in 3 of 9 outcome titles."""
    body = {"partnership_type": "other", "focus": ["protection"]}
    strategies = [
        svc.strategies.create({**body, "title": f"Partnership {n}", "summary": "ferry port"})
        for n in range(6)
    ]
    outcomes = [
        svc.outcomes.create(
            strategies[0].uid,
            {"title": title, "level": "output", "focus": "protection"},
        )
        for title in ["Ferry crews trained", "Ferry checks", "Safe ferry", "A", "B", "C", "D"]
    ]
    for extra in ("E", "F"):
        svc.outcomes.create(
            strategies[1].uid, {"title": extra, "level": "output", "focus": "protection"}
        )
    return {"strategies": strategies, "outcomes": outcomes}


def _spy_on_ranking(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ranked: list[str] = []
    original = SearchService._fts5_ranked

    def spy(target):  # noqa: ANN001, ANN202
        ranked.append(target.entity)
        return original(target)

    monkeypatch.setattr(SearchService, "_fts5_ranked", staticmethod(spy))
    return ranked


def _as_compared(hits: list) -> list[tuple]:
    return [(h.entity_type, h.uid, h.title, h.snippet, h.rank) for h in hits]


def test_an_index_that_cannot_reach_the_list_is_skipped_without_changing_it(
    services: Services, monkeypatch: pytest.MonkeyPatch
):
    seeded = _dominated(services)
    ranked = _spy_on_ranking(monkeypatch)
    pruned = services.search.search("ferry", limit=2)
    assert "strategy" not in ranked  # skipped: two outcome titles already score more
    assert [h.entity_type for h in pruned] == ["outcome", "outcome"]
    assert {h.uid for h in pruned} <= {o.uid for o in seeded["outcomes"][:3]}

    ranked.clear()
    services.search._prune = False
    everything = services.search.search("ferry", limit=2)
    assert "strategy" in ranked
    assert _as_compared(everything) == _as_compared(pruned)
    # With room for them, the strategies come too, after the outcome titles.
    services.search._prune = True
    assert [h.entity_type for h in services.search.search("ferry", limit=9)] == ["outcome"] * 3 + [
        "strategy"
    ] * 6


def test_a_bm25_that_breaks_the_ceiling_turns_skipping_off(
    services: Services, monkeypatch: pytest.MonkeyPatch
):
    _dominated(services)
    expected = _as_compared(services.search.search("ferry", limit=2))
    monkeypatch.setattr(search_module, "_BM25_MAX_FACTOR", 1e-9)  # a ceiling scores break
    assert _as_compared(services.search.search("ferry", limit=2)) == expected
    assert services.search._prune is False


def test_no_row_scores_its_index_ceiling(services: Services):
    # The rows bm25 likes most: short, and the word again and again in the heaviest column.
    for title in ["zeta", "zeta zeta zeta zeta zeta zeta zeta zeta", "zeta " * 60, "x zeta"]:
        _source(services, title, "zeta")
    for n in range(10):  # so that "zeta" is not in half the sources (where bm25 stops caring)
        _source(services, f"Other {n}")
    body = {"partnership_type": "other", "focus": ["protection"]}
    services.strategies.create({**body, "title": "zeta", "summary": "zeta zeta"})
    hits = services.search.search("zeta")
    with services.ctx.read() as session:
        ceilings = services.search._ceilings(session, Q.parse("zeta"))
    ceiling = {t.entity: c for t, (c, _) in zip(search_module.TARGETS, ceilings, strict=True)}
    assert {h.entity_type for h in hits} == {"evidence source", "strategy"}
    for hit in hits:
        assert 0 < hit.rank < ceiling[hit.entity_type]


def test_the_best_match_is_found_however_many_newer_ones_there_are(services: Services):
    oldest = _source(services, "Kiln survey", "kiln")  # the best match of all
    for n in range(300):  # more than a pool: every match is ranked, not only the newest
        _source(services, f"Study {n}", "kiln and more words")
    assert services.search.search("kiln", limit=1)[0].uid == oldest.uid


def test_trashed_records_crowding_the_pool_do_not_hide_live_ones(
    services: Services, monkeypatch: pytest.MonkeyPatch
):
    live = _source(services, "Notes", "kiln")
    for n in range(5):
        services.sources.delete(_source(services, f"Kiln {n}", "kiln kiln").uid)
    monkeypatch.setattr(search_module, "POOL_AT_LEAST", 1)
    assert [h.uid for h in services.search.search("kiln", limit=1)] == [live.uid]
    assert [h.uid for h in services.search.search("kiln")] == [live.uid]


def test_every_hit_in_the_list_has_its_snippet(backend_services: Services):
    _seed(backend_services)
    hits = backend_services.search.search("survivors")
    assert {h.entity_type for h in hits} == {"strategy", "outcome"}
    for hit in hits:
        assert Q.HIGHLIGHT_START in hit.snippet and Q.HIGHLIGHT_END in hit.snippet


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_folding_ascii_text_by_its_short_cut_gives_the_same_words(text: str):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    assert Q.fold(text) == "".join(ch for ch in decomposed if not unicodedata.combining(ch))
