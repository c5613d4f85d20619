"""ComparisonService and GapMapService on the illustrative sample, with expected values worked
out in the test from the strategy details, not from the services' own code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evidencetracker.domain import enums as E
from evidencetracker.domain.errors import ConflictError, NotFoundError, ValidationError
from evidencetracker.domain.rubric import design_score
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample
from evidencetracker.services.strategies import StrategyQuery

L = E.RatingLevel


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    svc = Services.open(path, author="Tester")
    load_sample(svc)
    svc.close()
    return path


@pytest.fixture
def sample(sample_db, tmp_path) -> Services:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(sample_db.read_bytes())
    svc = Services.open(copy, author="Tester")
    yield svc
    svc.close()


def uid_of(services: Services, prefix: str):
    return next(s.uid for s in services.strategies.list() if s.title.startswith(prefix))


def score(source) -> int:
    concerns = source.concern_attrition + source.concern_baseline + source.concern_measure
    return max(0, design_score(source.design) - concerns)


# -- comparison ---------------------------------------------------------------------------------
def test_compare_three_sample_strategies(sample: Services):
    names = ["Mekong", "Northern Border", "Danube"]
    uids = [uid_of(sample, n) for n in names]
    comparison = sample.comparisons.compare(uids)
    assert [s.uid for s in comparison.strategies] == uids
    mekong, northern, danube = comparison.strategies

    assert (mekong.headline_level, mekong.headline_certainty) == (L.PROVEN, E.Certainty.HIGH)
    assert northern.headline_level is L.EFFECTIVE and danube.headline_level is L.PROMISING
    assert not any(s.harm_flag for s in comparison.strategies)
    for compared in comparison.strategies:
        detail = sample.strategies.detail(compared.uid)
        expected = [0] * 6
        for source in detail.sources:
            expected[score(source)] += 1
        assert list(compared.studies_by_score) == expected
        assert [(o.title, o.level) for o in compared.outcome_ratings] == [
            (od.outcome.title, od.rating.effective_level) for od in detail.outcomes
        ]
        assert compared.cost_amount == detail.strategy.cost_amount
        assert compared.partners[0].endswith("(lead)")
    assert mekong.studies_by_score == (0, 0, 0, 0, 2, 1)

    # Strongest: the significant favourable finding of the highest-scoring study.
    assert mekong.strongest_finding.source_label == "Lindqvist 2021"
    assert mekong.strongest_finding.score == 5 and mekong.strongest_finding.effect_size == 0.41
    assert danube.strongest_finding.score == 3
    # Two score-3 studies: the larger |effect size| wins (-29 percent change over 0.36 SMD).
    assert danube.strongest_finding.effect_size == -29.0

    detail = sample.strategies.detail(uids[0])
    indicator = detail.outcomes[0].indicators[0]
    i, latest = indicator.indicator, indicator.measurements[-1]
    progress = mekong.indicator_progress[0]
    assert progress.name == i.name and progress.latest == latest.value
    assert progress.fraction == pytest.approx(
        (latest.value - i.baseline_value) / (i.target_value - i.baseline_value)
    )

    assert comparison.row("headline").values == (
        "Proven (high certainty)",
        "Effective (high certainty)",
        "Promising (very low certainty)",
    )
    assert comparison.row("cost").values == (
        "42,500,000.00 THB",
        "3,400,000.00 USD",
        "2,150,000.00 EUR",
    )
    assert comparison.row("headline").differs and comparison.row("partnership_type").differs
    assert not comparison.row("harm").differs


def test_rows_that_agree_are_not_marked_as_differences(sample: Services):
    # Both are public-private partnerships with no harm found.
    comparison = sample.comparisons.compare(
        [uid_of(sample, "Bayanihan"), uid_of(sample, "Gulf of Guinea")]
    )
    assert not comparison.row("partnership_type").differs
    assert not comparison.row("harm").differs
    assert comparison.row("headline").differs
    assert "partnership_type" not in comparison.differing_keys


def test_one_or_seven_strategies_are_refused(sample: Services):
    uids = [s.uid for s in sample.strategies.list()]
    for chosen in ([uids[0]], [uids[0], uids[0]], uids[:7]):
        with pytest.raises(ValidationError) as error:
            sample.comparisons.compare(chosen)
        assert error.value.for_field("strategies")
    assert len(sample.comparisons.compare(uids[:6]).strategies) == 6
    with pytest.raises(NotFoundError):
        sample.comparisons.compare([uids[0], "123e4567-e89b-12d3-a456-426614174000"])


def test_comparison_sets_save_reopen_rename_delete(sample: Services):
    uids = [uid_of(sample, n) for n in ("Mekong", "Danube", "Riverstone")]
    saved = sample.comparisons.save_set("  Field visit 2025 ", uids)
    assert saved.name == "Field visit 2025" and saved.strategy_uids == tuple(uids)
    with pytest.raises(ValidationError) as error:
        sample.comparisons.save_set("field visit 2025", uids[:2])
    assert error.value.for_field("name")
    with pytest.raises(ValidationError) as error:
        sample.comparisons.save_set("", uids)
    assert error.value.for_field("name")

    reopened = sample.comparisons.open_set(saved.uid)
    assert reopened == sample.comparisons.compare(uids)

    renamed = sample.comparisons.rename_set(saved.uid, saved.version, "Donor briefing")
    assert renamed.name == "Donor briefing" and renamed.version > saved.version
    with pytest.raises(ConflictError):
        sample.comparisons.rename_set(saved.uid, saved.version, "Stale edit")
    assert [s.name for s in sample.comparisons.list_sets()] == ["Donor briefing"]

    # A trashed strategy drops out of the reopened set and is listed as missing.
    sample.strategies.trash(uids[2])
    partial = sample.comparisons.open_set(saved.uid)
    assert [s.uid for s in partial.strategies] == uids[:2] and partial.missing == (uids[2],)
    sample.strategies.trash(uids[1])
    with pytest.raises(ValidationError):
        sample.comparisons.open_set(saved.uid)

    sample.comparisons.delete_set(saved.uid)
    assert sample.comparisons.list_sets() == []
    with pytest.raises(NotFoundError):
        sample.comparisons.get_set(saved.uid)
    actions = [a.action for a in sample.history.recent() if a.entity_type == "comparison set"]
    assert actions == ["purge", "update", "create"]


# -- gap map ------------------------------------------------------------------------------------
def expected_cells(services: Services, query: StrategyQuery | None, layout: str) -> dict:
    """Each cell worked out from the strategy details: studies, strategies, best level."""
    cells: dict = {}
    for summary in services.strategies.list(query):
        detail = services.strategies.detail(summary.uid)
        for od in detail.outcomes:
            row = (
                detail.strategy.partnership_type.value
                if layout == "partnership_type"
                else od.outcome.level.value
            )
            cell = cells.setdefault((row, od.outcome.focus), [set(), set(), []])
            cell[0].update(f.source_uid for f in od.findings)
            cell[1].add(summary.uid)
            if od.rating.effective_level is not L.NOT_RATED:
                cell[2].append(od.rating.effective_level)
    return cells


@pytest.mark.parametrize("layout", ["partnership_type", "outcome_level"])
def test_gap_map_counts_match_the_strategy_details(sample: Services, layout: str):
    gap = sample.gapmap.matrix(None, layout)
    row_enum = E.PartnershipType if layout == "partnership_type" else E.OutcomeLevel
    assert gap.rows == tuple(m.value for m in row_enum)
    assert gap.columns == tuple(E.Focus)
    assert len(gap.cells) == len(gap.rows) * 4  # empty cells are present too
    expected = expected_cells(sample, None, layout)
    for cell in gap.cells:
        studies, strategies, levels = expected.get((cell.row, cell.focus), [set(), set(), []])
        assert cell.studies == len(studies), (cell.row, cell.focus)
        assert set(cell.strategy_uids) == strategies
        assert cell.best_level == (min(levels, key=lambda lv: lv.rank) if levels else None)
        assert cell.empty is (len(studies) == 0)
    # Mekong's fees outcome: three studies (two on one sample still count as two sources).
    mekong = gap.cell(
        "government_business_alliance" if layout == "partnership_type" else "long_term",
        "prevention",
    )
    assert (mekong.studies, mekong.strategies, mekong.best_level) == (3, 1, L.PROVEN)
    harmful = gap.cell("other" if layout == "partnership_type" else "short_term", "protection")
    assert harmful.harm


def test_gap_map_respects_filters_overrides_and_the_trash(sample: Services):
    query = StrategyQuery(geography="GT")  # Guatemala: two strategies
    gap = sample.gapmap.matrix(query)
    in_map = {u for c in gap.cells for u in c.strategy_uids}
    assert in_map == {s.uid for s in sample.strategies.list(query)} and len(in_map) == 2
    for cell in gap.cells:
        studies, strategies, _ = expected_cells(sample, query, "partnership_type").get(
            (cell.row, cell.focus), [set(), set(), []]
        )
        assert (cell.studies, set(cell.strategy_uids)) == (len(studies), strategies)
    # The query's sort and window do not shrink the map.
    assert sample.gapmap.matrix(replace(query, limit=1, sort="rating")) == gap

    # An override in force is the level the map shows.
    tejiendo = uid_of(sample, "Tejiendo")
    outcome = sample.ratings.for_strategy(tejiendo).outcomes[0]
    sample.ratings.override(outcome.outcome_uid, "promising", "Corroborated by court data.")
    assert sample.gapmap.matrix(query).cell("ngo_coalition", "protection").best_level is L.PROMISING

    # A trashed source no longer counts; a cell left without studies is empty.
    source_uid = sample.strategies.detail(tejiendo).sources[0].uid
    sample.sources.delete(source_uid)
    cell = sample.gapmap.matrix(query).cell("ngo_coalition", "protection")
    assert cell.studies == 0 and cell.empty and cell.strategy_uids == (tejiendo,)

    with pytest.raises(ValidationError) as error:
        sample.gapmap.matrix(None, "sector")
    assert error.value.for_field("layout")


def test_a_shareable_gap_map_does_not_count_confidential_studies(services):
    from evidencetracker.services.sample import load_sample

    if services.strategies.count() == 0:
        load_sample(services)
    everything = services.gapmap.matrix()
    shareable = services.gapmap.matrix(include_confidential=False)
    confidential = [s for s in services.sources.list() if s.confidential]
    assert confidential
    total_all = sum(c.studies for c in everything.cells)
    total_shared = sum(c.studies for c in shareable.cells)
    assert total_shared < total_all
    for a, b in zip(everything.cells, shareable.cells, strict=True):
        assert b.studies <= a.studies
