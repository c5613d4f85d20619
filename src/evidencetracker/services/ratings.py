"""Keeping ratings current: the rubric applied to the database, overrides, and recomputation.

Ratings are derived data. They are recomputed inside the same transaction as any change to a
strategy's evidence, so the stored rating never disagrees with the evidence beside it.
"""

from __future__ import annotations

import json
import uuid
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, event, insert, select, union, update
from sqlalchemy.orm import Session, selectinload

from evidencetracker.db import models as M
from evidencetracker.db.base import utcnow
from evidencetracker.domain import enums as E
from evidencetracker.domain import records as R
from evidencetracker.domain import rubric
from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.domain.rating_records import (
    CountedStudyRecord,
    OutcomeRatingView,
    StrategyRatings,
)
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.context import ServiceContext


def study_label(source: M.EvidenceSource) -> str:
    first = (source.authors or "").split(";")[0].split(",")[0].strip() or source.title[:40]
    return f"{first} {source.year or 'n.d.'}"


def indicator_moved(outcome: M.Outcome) -> bool:
    """Whether an indicator's latest value moved from its baseline in the desired direction."""
    for indicator in outcome.indicators:
        if indicator.baseline_value is None or not indicator.measurements:
            continue
        latest = indicator.measurements[-1].value
        sign = 1 if indicator.direction == E.DesiredDirection.INCREASE else -1
        if (latest - indicator.baseline_value) * sign > 0:
            return True
    return False


def study_inputs(outcome: M.Outcome) -> list[rubric.StudyInput]:
    """One rubric input per (non-trashed) source with findings on this outcome."""
    by_source: dict[int, list[M.Finding]] = {}
    for finding in outcome.findings:
        if finding.source.deleted_at is None:
            by_source.setdefault(finding.source_id, []).append(finding)
    return [
        study_input(
            findings[0].source,
            [(f.direction, f.significant, f.effect_size, f.follow_up_months) for f in findings],
        )
        for findings in by_source.values()
    ]


def study_input(source: Any, findings: Iterable[tuple]) -> rubric.StudyInput:
    """The rubric's view of one source and its findings on one outcome.

    ``source`` is an EvidenceSource object or a row with the same column names; each finding is
    (direction, significant, effect size, follow-up months).
    """
    return rubric.StudyInput(
        **_source_fields(source), findings=tuple(rubric.FindingInput(*f) for f in findings)
    )


def rate(outcome: M.Outcome) -> rubric.OutcomeRating:
    return rubric.rate_outcome(study_inputs(outcome), indicator_moved(outcome))


def _active_override(outcome: M.Outcome) -> M.RatingOverride | None:
    return next((o for o in reversed(outcome.overrides) if o.active), None)


def recompute_strategies(session: Session, strategy_ids: Iterable[int]) -> None:
    """Recompute and store the rating of every outcome of these strategies, and their headline.

    The headline columns are written with a plain UPDATE so that a rating change does not bump
    the strategy's version (which would turn someone's open edit into a false conflict).
    The inputs are read as plain rows on the session's connection, not as ORM objects: loading
    every finding and source as an object made recomputing 10,000 strategies take minutes
    (docs/performance.md).
    """
    ids = sorted(set(strategy_ids))
    if not ids:
        return
    session.flush()  # the reads below bypass autoflush
    connection = session.connection()
    for start in range(0, len(ids), _CHUNK):
        _recompute_chunk(session, connection, ids[start : start + _CHUNK])


_CHUNK = 500  # strategies per round of queries (keeps IN lists well under SQL limits)


@dataclass(frozen=True)
class _Evidence:
    """The rows one round of recomputation reads: what the rubric needs, as the driver gives it.

    Findings and sources are read apart, so a source's columns (and its label) are handled once
    rather than once per finding; values are converted here, with a dictionary lookup per enum:
    SQLAlchemy's result rows and type processing took longer than the queries themselves.
    """

    findings: list[tuple]  # sorted by outcome, source, id
    sources: list[tuple]  # live sources only: a trashed source is no evidence
    measurements: list[tuple]  # ordered as Indicator.measurements
    indicators: list[tuple]


def _read_evidence(connection: Connection, ids: list[int]) -> _Evidence:
    findings = _driver_rows(connection, _FINDINGS_SQL, ids)
    source_ids = sorted({row[1] for row in findings})
    sources = [
        row
        for start in range(0, len(source_ids), _IN_LIST)
        for row in _driver_rows(connection, _SOURCES_SQL, source_ids[start : start + _IN_LIST])
    ]
    measurements = _driver_rows(connection, _MEASUREMENTS_SQL, ids)
    indicators = _driver_rows(connection, _INDICATORS_SQL, ids)
    return _Evidence(findings, sources, measurements, indicators)


def _study_inputs_by_outcome(evidence: _Evidence) -> dict[int, list]:
    """Like ``study_inputs``, for every outcome of a round of strategies."""
    sources = {row[0]: _STUDY_ORDER(_source_fields(_SourceRow(*row))) for row in evidence.sources}
    finding, study, directions = rubric.FindingInput, rubric.StudyInput, _FINDING_DIRECTIONS
    inputs: dict[int, list] = {}
    # The rows come sorted by outcome and source: each run of rows is one study's findings.
    for (outcome_id, source_id), rows in groupby(evidence.findings, _OUTCOME_AND_SOURCE):
        source = sources.get(source_id)
        if source is None:  # a trashed source is no evidence
            continue
        found = tuple(finding(directions[d], bool(sig), e, f) for _, _, d, sig, e, f in rows)
        inputs.setdefault(outcome_id, []).append(study(*source, found))
    return inputs


def _driver_rows(connection: Connection, sql: str, ids: list[int]) -> list[tuple]:
    """Run ``sql`` on the driver's own cursor, in the session's transaction, and fetch all rows.

    ``{ids}`` in ``sql`` becomes the list of ids: integers read from the database and checked
    with ``int``, so nothing a person typed is ever written into the SQL.
    """
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql.format(ids=",".join(str(int(i)) for i in ids)))
        return cursor.fetchall()
    finally:
        cursor.close()


# Plain SQL run on the driver's cursor; ``{ids}`` is a list of integer ids.
_FINDINGS_SQL = (
    "SELECT f.outcome_id, f.source_id, f.direction, f.significant, f.effect_size, "
    "f.follow_up_months FROM findings f JOIN outcomes o ON o.id = f.outcome_id "
    "WHERE o.strategy_id IN ({ids}) ORDER BY f.outcome_id, f.source_id, f.id"
)
_OUTCOME_AND_SOURCE = itemgetter(0, 1)
_IN_LIST = 5000  # ids per IN list
_SOURCE_FIELDS = (
    "id", "uid", "authors", "title", "year", "design", "concern_attrition", "concern_baseline",
    "concern_measure", "evaluator_independent", "sample_size", "sample_group", "indirect",
    "follow_up_months",
)  # fmt: skip
_SourceRow = namedtuple("_SourceRow", _SOURCE_FIELDS)
_SOURCES_SQL = (
    f"SELECT {', '.join(_SOURCE_FIELDS)} FROM evidence_sources "
    "WHERE deleted_at IS NULL AND id IN ({ids})"
)
# ``StudyInput``'s source-level fields in the order of its constructor, from ``_source_fields``.
_STUDY_ORDER = itemgetter(*[f.name for f in fields(rubric.StudyInput) if f.init][:-1])
_FINDING_DIRECTIONS = {d.value: d for d in E.FindingDirection}
_DESIGNS: dict[str | None, E.StudyDesign | None] = {d.value: d for d in E.StudyDesign}
_DESIGNS[None] = None


def _source_fields(s: Any) -> dict[str, Any]:
    """The source-level arguments of ``rubric.StudyInput``, as ``study_input`` fills them.

    ``s`` is an EvidenceSource, or a row of ``_SOURCES_SQL`` (raw driver values: the uid as
    stored, the design as its value, booleans as 0/1 on SQLite).
    """
    if isinstance(s, M.EvidenceSource):
        uid, design = str(s.uid), s.design
        flags = (s.concern_attrition, s.concern_baseline, s.concern_measure, s.indirect)
        independent = s.evaluator_independent
    else:
        uid, design = _uid_text(s.uid), _DESIGNS[s.design]
        flags = tuple(map(bool, (s.concern_attrition, s.concern_baseline, s.concern_measure,
                                 s.indirect)))  # fmt: skip
        independent = None if s.evaluator_independent is None else bool(s.evaluator_independent)
    return {
        "uid": uid,
        "label": study_label(s),
        "design": design,
        "concern_attrition": flags[0],
        "concern_baseline": flags[1],
        "concern_measure": flags[2],
        "independent_evaluator": independent,
        "sample_size": s.sample_size,
        "sample_group": s.sample_group or None,
        "indirect": flags[3],
        "follow_up_months": s.follow_up_months,
    }


def _uid_text(value: Any) -> str:
    """A uid as ``str(uuid.UUID)`` writes it, from what the driver returns for the column."""
    if isinstance(value, str) and len(value) == 32:  # SQLite keeps 32 hex digits
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(uuid.UUID(str(value)))


def _moved_outcomes(evidence: _Evidence) -> set[int]:
    """Like ``indicator_moved``: outcomes with an indicator whose latest value beat baseline."""
    # The measurements are ordered as the Indicator.measurements relationship, so "latest"
    # means the same thing: the dictionary keeps the last value of each indicator.
    latest: dict[int, float] = dict(evidence.measurements)
    moved = set()
    increase = E.DesiredDirection.INCREASE.value
    for indicator_id, outcome_id, baseline, direction in evidence.indicators:
        sign = 1 if direction == increase else -1
        if indicator_id in latest and (latest[indicator_id] - baseline) * sign > 0:
            moved.add(outcome_id)
    return moved


_INDICATORS_OF = (
    "FROM indicators i JOIN outcomes o ON o.id = i.outcome_id "
    "WHERE o.strategy_id IN ({ids}) AND i.baseline_value IS NOT NULL"
)
_MEASUREMENTS_SQL = (
    f"SELECT m.indicator_id, m.value FROM measurements m WHERE m.indicator_id IN "
    f"(SELECT i.id {_INDICATORS_OF}) ORDER BY m.indicator_id, m.period_start, m.period"
)
_INDICATORS_SQL = f"SELECT i.id, i.outcome_id, i.baseline_value, i.direction {_INDICATORS_OF}"


_OUTCOMES_SQL = (
    'SELECT id, strategy_id, "primary", deleted_at IS NOT NULL FROM outcomes '
    "WHERE strategy_id IN ({ids})"
)
_OutcomeRow = namedtuple("_OutcomeRow", "id strategy_id primary trashed")
# The stored columns that make a rating; ``computed_at`` says when they were last written.
_STORED = ("rubric_version", "level", "certainty", "rule", "trace", "studies")


def _recompute_chunk(
    session: Session, connection: Connection, ids: list[int], evidence: _Evidence | None = None
) -> None:
    """Recompute these strategies; ``evidence``: their rows, when already read (recompute_all)."""
    Out, Ovr = M.Outcome, M.RatingOverride
    outcomes = [_OutcomeRow(*row) for row in _driver_rows(connection, _OUTCOMES_SQL, ids)]
    if evidence is None:
        evidence = _read_evidence(connection, ids)
    studies = _study_inputs_by_outcome(evidence)
    moved = _moved_outcomes(evidence)
    overrides: dict[int, Any] = {}
    for o in connection.execute(
        select(Ovr.outcome_id, Ovr.level, Ovr.certainty)
        .join(Out, Out.id == Ovr.outcome_id)
        .where(Out.strategy_id.in_(ids), Ovr.active.is_(True))
        .order_by(Ovr.id)
    ):
        overrides[o.outcome_id] = o  # the last active one, as _active_override picks
    table = M.OutcomeRating.__table__
    outcome_ids = [o.id for o in outcomes]
    # What is stored already: a rating that comes out the same is not written again (most of
    # a recompute after an edit, or of a recompute-all with an unchanged rubric).
    # The studies are compared as the JSON text stored (a formatting difference only costs a
    # needless write); decoding every stored list took longer than writing them.
    stored = {
        row[0]: tuple(row[1:])
        for row in connection.execute(
            select(
                table.c.outcome_id,
                *(table.c[name] for name in _STORED[:-1]),
                cast(table.c.studies, Text),
            ).where(table.c.outcome_id.in_(select(Out.id).where(Out.strategy_id.in_(ids))))
        )
    }
    now = utcnow()
    updates, inserts = [], []
    per_strategy: dict[int, list[tuple[bool, rubric.OutcomeRating]]] = {i: [] for i in ids}
    for outcome in outcomes:
        result = rubric.rate_outcome(studies.get(outcome.id, []), outcome.id in moved)
        values = {
            "rubric_version": result.rubric_version,
            "level": result.level,
            "certainty": result.certainty,
            "rule": result.rule,
            "trace": result.trace,
            "studies": [
                {
                    "uid": s.uid,
                    "label": s.label,
                    "score": s.score,
                    "verdict": s.verdict.value,
                    "design": s.design.value if s.design else None,
                }
                for s in result.studies
            ],
            "computed_at": now,
        }
        if outcome.id in stored:
            fresh = (*(values[name] for name in _STORED[:-1]), json.dumps(values["studies"]))
            if stored[outcome.id] != fresh:
                updates.append({"b_outcome_id": outcome.id, **values})
        else:
            inserts.append({"outcome_id": outcome.id, **values})
        if outcome.trashed:
            continue
        override = overrides.get(outcome.id)
        effective = (
            replace(result, level=override.level, certainty=override.certainty)
            if override
            else result
        )
        per_strategy[outcome.strategy_id].append((bool(outcome.primary), effective))
    if updates:
        session.execute(
            update(table).where(table.c.outcome_id == bindparam("b_outcome_id")), updates
        )
    if inserts:
        session.execute(insert(table), inserts)
    strategies = M.Strategy.__table__
    current = {
        row[0]: tuple(row[1:])
        for row in connection.execute(
            select(
                strategies.c.id,
                strategies.c.headline_level,
                strategies.c.headline_certainty,
                strategies.c.harm_flag,
            ).where(strategies.c.id.in_(ids))
        )
    }
    headlines = []
    for strategy_id, pairs in per_strategy.items():
        top = rubric.headline(pairs)
        certainty = top.certainty.value if top.certainty else None
        if current.get(strategy_id) == (top.level, top.certainty, top.harm):
            continue
        headlines.append(
            {
                "b_id": strategy_id,
                "headline_level": top.level.value,
                "headline_certainty": certainty,
                "harm_flag": top.harm,
            }
        )
    # updated_at is set to itself: a recomputed rating is not an edit of the strategy, and the
    # column's onupdate would otherwise stamp it (moving "last updated" and confusing merges).
    if headlines:
        session.execute(
            update(strategies)
            .where(strategies.c.id == bindparam("b_id"))
            .values(updated_at=strategies.c.updated_at),
            headlines,
        )
    # Objects of this session that the plain UPDATEs and INSERTs made stale.
    rated = set(outcome_ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, M.Strategy) and obj.id in per_strategy:
            session.expire(obj, ["headline_level", "headline_certainty", "harm_flag"])
        elif isinstance(obj, M.OutcomeRating) and obj.outcome_id in rated:
            session.expire(obj)
        elif isinstance(obj, M.Outcome) and obj.id in rated:
            session.expire(obj, ["rating"])


def note_source_changes(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Before a flush: note the strategies whose evidence changed through a source.

    Editing, trashing, restoring or purging an evidence source changes the rating of every
    outcome it has findings on, yet the generic audit ties a source to no strategy. So the
    strategies behind each changed source are added to the transaction's touched set here,
    before a purge deletes the links that lead to them.
    """
    ids = {
        obj.id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, M.EvidenceSource) and obj.id is not None
    }
    if not ids:
        return
    linked = select(M.StrategySource.strategy_id).where(M.StrategySource.source_id.in_(ids))
    via_findings = (
        select(M.Outcome.strategy_id)
        .join(M.Finding, M.Finding.outcome_id == M.Outcome.id)
        .where(M.Finding.source_id.in_(ids))
    )
    strategies = set(session.scalars(union(linked, via_findings)))
    session.info.setdefault("touched_strategies", set()).update(strategies)


def recompute_touched(session: Session) -> None:
    """The before-commit hook: recompute the strategies this transaction touched."""
    touched = session.info.get("touched_strategies") or set()
    existing = set(session.scalars(select(M.Strategy.id).where(M.Strategy.id.in_(touched))))
    recompute_strategies(session, existing)


class RatingService:
    """Ratings on demand, reviewer overrides, and recomputation of the whole database."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx
        sessions = ctx.db.sessions
        if not event.contains(sessions, "before_flush", note_source_changes):
            event.listen(sessions, "before_flush", note_source_changes)

    def for_strategy(self, uid: Any) -> StrategyRatings:
        """A strategy's ratings: headline, each outcome's rating with trace and override.

        Both the computed rating and the override in force are returned; external ratings are
        listed beside them and play no part in the rubric.

        Raises:
            NotFoundError: no such strategy, or it is in the Trash.
        """
        with self.ctx.read() as session:
            strategy = crud.load(session, K.STRATEGY, uid)
            outcomes = session.scalars(
                select(M.Outcome)
                .where(M.Outcome.strategy_id == strategy.id, M.Outcome.deleted_at.is_(None))
                .order_by(M.Outcome.id)
                .options(
                    selectinload(M.Outcome.findings).selectinload(M.Finding.source),
                    selectinload(M.Outcome.indicators).selectinload(M.Indicator.measurements),
                    selectinload(M.Outcome.rating),
                    selectinload(M.Outcome.overrides),
                )
            ).all()
            views = tuple(_outcome_view(o) for o in outcomes)
            return StrategyRatings(
                strategy_uid=strategy.uid,
                title=strategy.title,
                headline_level=strategy.headline_level,
                headline_certainty=strategy.headline_certainty,
                harm_flag=strategy.harm_flag,
                outcomes=views,
                external_ratings=tuple(
                    crud.to_record(K.EXTERNAL_RATING, x) for x in strategy.external_ratings
                ),
                rubric_version=rubric.RUBRIC_VERSION,
            )

    def override(
        self, outcome_uid: Any, level: Any, justification: str, certainty: Any = None
    ) -> R.RatingOverrideRecord:
        """Override an outcome's computed rating; the computed rating is kept beside it.

        The override is audited with the reviewer (the current author) and the time.

        Raises:
            ValidationError: on ``justification`` when it is empty or blank; on ``level`` or
                ``certainty`` when they are not valid values.
        """
        if not str(justification or "").strip():
            raise ValidationError(
                FieldError("justification", "An override needs a written justification")
            )
        values = {"level": level, "certainty": certainty, "justification": justification}
        with self.ctx.write("override rating") as session:
            outcome = crud.load(session, K.OUTCOME, outcome_uid)
            computed = rate(outcome).level
            for previous in outcome.overrides:
                previous.active = False
            row = crud.create(
                session,
                K.RATING_OVERRIDE,
                values,
                self.ctx.author(),
                outcome=outcome,
                reviewer=self.ctx.author(),
                computed_level=computed,
                active=True,
            )
            return crud.to_record(K.RATING_OVERRIDE, row)

    def clear_override(self, outcome_uid: Any) -> None:
        """Go back to the computed rating; past overrides stay in the record, inactive."""
        with self.ctx.write("clear override") as session:
            outcome = crud.load(session, K.OUTCOME, outcome_uid)
            for previous in outcome.overrides:
                if previous.active:
                    previous.active = False
                    crud.audit(
                        session,
                        "rating override",
                        "update",
                        previous,
                        outcome.strategy,
                        self.ctx.author(),
                        f"Withdrew the override of '{outcome.title}'",
                        {"active": {"from": True, "to": False}},
                    )

    def recompute_all(self, batch: int = _CHUNK) -> int:
        """Recompute every strategy's ratings (after a rubric change); returns how many.

        One transaction per ``batch`` strategies. (Reading the next batch on a second thread
        while rating the current one was tried: turning rows into Python objects holds
        Python's lock, so nothing overlapped.)
        """
        with self.ctx.read() as session:
            ids = list(session.scalars(select(M.Strategy.id).order_by(M.Strategy.id)))
        for start in range(0, len(ids), batch):
            with self.ctx.write("recompute ratings") as session:
                recompute_strategies(session, ids[start : start + batch])
        return len(ids)


def _outcome_view(outcome: M.Outcome) -> OutcomeRatingView:
    stored = outcome.rating
    if stored is not None:
        level, certainty, rule, trace = stored.level, stored.certainty, stored.rule, stored.trace
        version = stored.rubric_version
        studies = tuple(
            CountedStudyRecord(
                uid=s["uid"],
                label=s["label"],
                score=int(s["score"]),
                verdict=E.FindingDirection(s["verdict"]),
                design=E.StudyDesign(s["design"]) if s.get("design") else None,
            )
            for s in stored.studies or ()
        )
    else:
        # Not yet stored (a database written before ratings were kept): rate it now, read-only.
        result = rate(outcome)
        level, certainty, rule, trace = result.level, result.certainty, result.rule, result.trace
        version = result.rubric_version
        studies = tuple(
            CountedStudyRecord(s.uid, s.label, s.score, s.verdict, s.design) for s in result.studies
        )
    past = tuple(crud.to_record(K.RATING_OVERRIDE, o) for o in outcome.overrides)
    active = next((o for o in reversed(past) if o.active), None)
    return OutcomeRatingView(
        outcome_uid=outcome.uid,
        title=outcome.title,
        outcome_level=outcome.level,
        focus=outcome.focus,
        primary=outcome.primary,
        level=level,
        certainty=certainty,
        rule=rule,
        trace=trace,
        studies=studies,
        rubric_version=version,
        override=active,
        past_overrides=past,
    )
