"""Keeping ratings current: the rubric applied to the database, overrides, and recomputation.

Ratings are derived data. They are recomputed inside the same transaction as any change to a
strategy's evidence, so the stored rating never disagrees with the evidence beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from evidencetracker.db import models as M
from evidencetracker.db.base import utcnow
from evidencetracker.domain import enums as E
from evidencetracker.domain import records as R
from evidencetracker.domain import rubric
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
    studies = []
    for findings in by_source.values():
        s = findings[0].source
        studies.append(
            rubric.StudyInput(
                uid=str(s.uid),
                label=study_label(s),
                design=s.design,
                concern_attrition=s.concern_attrition,
                concern_baseline=s.concern_baseline,
                concern_measure=s.concern_measure,
                independent_evaluator=s.evaluator_independent,
                sample_size=s.sample_size,
                sample_group=s.sample_group or None,
                indirect=s.indirect,
                follow_up_months=s.follow_up_months,
                findings=tuple(
                    rubric.FindingInput(
                        f.direction, f.significant, f.effect_size, f.follow_up_months
                    )
                    for f in findings
                ),
            )
        )
    return studies


def rate(outcome: M.Outcome) -> rubric.OutcomeRating:
    return rubric.rate_outcome(study_inputs(outcome), indicator_moved(outcome))


def _active_override(outcome: M.Outcome) -> M.RatingOverride | None:
    return next((o for o in reversed(outcome.overrides) if o.active), None)


def recompute_strategies(session: Session, strategy_ids: Iterable[int]) -> None:
    """Recompute and store the rating of every outcome of these strategies, and their headline.

    The headline columns are written with a plain UPDATE so that a rating change does not bump
    the strategy's version (which would turn someone's open edit into a false conflict).
    """
    ids = sorted(set(strategy_ids))
    if not ids:
        return
    outcomes = session.scalars(
        select(M.Outcome)
        .where(M.Outcome.strategy_id.in_(ids))
        .options(
            selectinload(M.Outcome.findings).selectinload(M.Finding.source),
            selectinload(M.Outcome.indicators).selectinload(M.Indicator.measurements),
            selectinload(M.Outcome.rating),
            selectinload(M.Outcome.overrides),
        )
    ).all()
    per_strategy: dict[int, list[tuple[bool, rubric.OutcomeRating]]] = {i: [] for i in ids}
    for outcome in outcomes:
        result = rate(outcome)
        stored = outcome.rating or M.OutcomeRating(outcome=outcome)
        stored.rubric_version = result.rubric_version
        stored.level = result.level
        stored.certainty = result.certainty
        stored.rule = result.rule
        stored.trace = result.trace
        stored.studies = [
            {
                "uid": s.uid,
                "label": s.label,
                "score": s.score,
                "verdict": s.verdict.value,
                "design": s.design.value if s.design else None,
            }
            for s in result.studies
        ]
        stored.computed_at = utcnow()
        session.add(stored)
        if outcome.deleted_at is not None:
            continue
        override = _active_override(outcome)
        effective = (
            replace(result, level=override.level, certainty=override.certainty)
            if override
            else result
        )
        per_strategy[outcome.strategy_id].append((outcome.primary, effective))
    for strategy_id, pairs in per_strategy.items():
        top = rubric.headline(pairs)
        session.execute(
            update(M.Strategy.__table__)
            .where(M.Strategy.__table__.c.id == strategy_id)
            .values(
                headline_level=top.level.value,
                headline_certainty=top.certainty.value if top.certainty else None,
                harm_flag=top.harm,
            )
        )
    for strategy in session.identity_map.values():
        if isinstance(strategy, M.Strategy) and strategy.id in per_strategy:
            session.expire(strategy, ["headline_level", "headline_certainty", "harm_flag"])


def recompute_touched(session: Session) -> None:
    """The before-commit hook: recompute the strategies this transaction touched."""
    touched = session.info.get("touched_strategies") or set()
    existing = set(session.scalars(select(M.Strategy.id).where(M.Strategy.id.in_(touched))))
    recompute_strategies(session, existing)


class RatingService:
    """Ratings on demand, reviewer overrides, and recomputation of the whole database."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def override(
        self, outcome_uid: Any, level: Any, justification: str, certainty: Any = None
    ) -> R.RatingOverrideRecord:
        """Override an outcome's computed rating; refused without a written justification."""
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

    def recompute_all(self, batch: int = 500) -> int:
        """Recompute every strategy's ratings (after a rubric change); returns how many."""
        with self.ctx.read() as session:
            ids = list(session.scalars(select(M.Strategy.id).order_by(M.Strategy.id)))
        for start in range(0, len(ids), batch):
            with self.ctx.write("recompute ratings") as session:
                recompute_strategies(session, ids[start : start + batch])
        return len(ids)
