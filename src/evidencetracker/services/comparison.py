"""Strategies side by side, and the saved comparison sets that reopen them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from evidencetracker.db import models as M
from evidencetracker.domain import enums as E
from evidencetracker.domain import geography, rubric
from evidencetracker.domain.comparison_records import (
    MAX_COMPARED,
    MIN_COMPARED,
    ComparedStrategy,
    Comparison,
    ComparisonRow,
    ComparisonSetRecord,
    IndicatorProgress,
    OutcomeRatingCell,
    StrongestFinding,
)
from evidencetracker.domain.errors import FieldError, NotFoundError, ValidationError
from evidencetracker.domain.rating_records import rating_text
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.ratings import study_label


def source_score(source: M.EvidenceSource) -> int:
    """The rubric's score of a study: design score less one per execution concern (0-5)."""
    return rubric.StudyInput(
        uid=str(source.uid),
        label="",
        design=source.design,
        concern_attrition=source.concern_attrition,
        concern_baseline=source.concern_baseline,
        concern_measure=source.concern_measure,
    ).score


class ComparisonService:
    """Compare 2 to 6 strategies; save, list, reopen, rename and delete comparison sets."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    # -- comparing ---------------------------------------------------------------------------
    def compare(self, uids: Sequence[Any]) -> Comparison:
        """Put 2 to 6 strategies side by side.

        Per strategy: headline rating and certainty, harm flag, each outcome's effective rating,
        the number of linked studies (evidence sources not in the Trash) by rubric score 0-5
        (design score less execution concerns), the strongest finding, indicator progress toward
        targets, cost with currency, partners, Ps, geography and period.

        The strongest finding is the significant favourable finding (on an outcome and from a
        source, neither in the Trash) of the highest-scoring study; among equal scores the one
        with the largest absolute effect size wins (a finding without an effect size loses to any
        with one), then the earliest recorded. Effect sizes of different types are compared by
        magnitude only, as the comparison shows the type beside the number.

        Each row says whether its values differ across the strategies, for highlighting.

        Raises:
            ValidationError: fewer than 2 or more than 6 distinct strategies (field
                ``strategies``).
            NotFoundError: an ID names no strategy, or one in the Trash.
        """
        keys = _distinct([crud.parse_uid(u, "strategy") for u in uids])
        _check_count(keys)
        with self.ctx.read() as session:
            compared = [_compared(s) for s in _load(session, keys)]
        return Comparison(tuple(compared), _rows(compared))

    # -- comparison sets ---------------------------------------------------------------------
    def save_set(self, name: str, uids: Sequence[Any], notes: str = "") -> ComparisonSetRecord:
        """Save a comparison set under a unique name.

        Raises:
            ValidationError: on ``name`` (missing, too long or already used) or on
                ``strategies`` (not 2 to 6 distinct strategies).
            NotFoundError: an ID names no strategy, or one in the Trash.
        """
        keys = _distinct([crud.parse_uid(u, "strategy") for u in uids])
        _check_count(keys)
        with self.ctx.write("save comparison set") as session:
            for key in keys:
                crud.load(session, K.STRATEGY, key)
            _check_unique_name(session, name)
            row = crud.create(
                session,
                K.COMPARISON_SET,
                {"name": name, "notes": notes},
                self.ctx.author(),
                strategy_uids=[str(k) for k in keys],
            )
            return crud.to_record(K.COMPARISON_SET, row)

    def list_sets(self) -> list[ComparisonSetRecord]:
        """Every saved comparison set, by name."""
        stmt = select(M.ComparisonSet).order_by(func.lower(M.ComparisonSet.name))
        with self.ctx.read() as session:
            return [crud.to_record(K.COMPARISON_SET, r) for r in session.scalars(stmt)]

    def get_set(self, uid: Any) -> ComparisonSetRecord:
        with self.ctx.read() as session:
            return crud.to_record(K.COMPARISON_SET, crud.load(session, K.COMPARISON_SET, uid))

    def open_set(self, uid: Any) -> Comparison:
        """Reopen a saved set: compare those of its strategies that still exist.

        Strategies since trashed or purged are listed in ``Comparison.missing``.

        Raises:
            NotFoundError: no such set.
            ValidationError: fewer than 2 of its strategies are left (field ``strategies``).
        """
        saved = self.get_set(uid)
        with self.ctx.read() as session:
            alive = set(
                session.scalars(
                    select(M.Strategy.uid).where(
                        M.Strategy.uid.in_(saved.strategy_uids), M.Strategy.deleted_at.is_(None)
                    )
                )
            )
        present = [u for u in saved.strategy_uids if u in alive]
        missing = tuple(u for u in saved.strategy_uids if u not in alive)
        if len(present) < MIN_COMPARED:
            raise ValidationError(
                FieldError(
                    "strategies",
                    f"Only {len(present)} of the strategies in '{saved.name}' still exist: "
                    f"a comparison needs at least {MIN_COMPARED}",
                )
            )
        result = self.compare(present)
        return Comparison(result.strategies, result.rows, missing)

    def rename_set(self, uid: Any, expected_version: int, name: str) -> ComparisonSetRecord:
        """Rename a set read at ``expected_version`` (ConflictError if it changed since)."""
        with self.ctx.write("rename comparison set") as session:
            _check_unique_name(session, name, except_uid=crud.parse_uid(uid, "comparison set"))
            row = crud.update(
                session, K.COMPARISON_SET, uid, expected_version, {"name": name}, self.ctx.author()
            )
            return crud.to_record(K.COMPARISON_SET, row)

    def delete_set(self, uid: Any) -> None:
        """Delete a saved set for good (the strategies themselves are untouched)."""
        with self.ctx.write("delete comparison set") as session:
            crud.purge(session, K.COMPARISON_SET, uid, self.ctx.author())


def _distinct(keys: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    return list(dict.fromkeys(keys))


def _check_count(keys: Sequence[uuid.UUID]) -> None:
    if not MIN_COMPARED <= len(keys) <= MAX_COMPARED:
        raise ValidationError(
            FieldError(
                "strategies",
                f"Choose {MIN_COMPARED} to {MAX_COMPARED} different strategies to compare "
                f"({len(keys)} chosen)",
            )
        )


def _check_unique_name(session: Session, name: Any, except_uid: uuid.UUID | None = None) -> None:
    text = str(name or "").strip()
    stmt = select(M.ComparisonSet.uid).where(func.lower(M.ComparisonSet.name) == text.lower())
    clash = session.scalar(stmt)
    if text and clash is not None and clash != except_uid:
        raise ValidationError(FieldError("name", f"A comparison set named '{text}' already exists"))


def _load(session: Session, keys: list[uuid.UUID]) -> list[M.Strategy]:
    rows = session.scalars(
        select(M.Strategy)
        .where(M.Strategy.uid.in_(keys), M.Strategy.deleted_at.is_(None))
        .options(
            selectinload(M.Strategy.partners).selectinload(M.Partner.organisation),
            selectinload(M.Strategy.source_links).selectinload(M.StrategySource.source),
            selectinload(M.Strategy.outcomes).selectinload(M.Outcome.rating),
            selectinload(M.Strategy.outcomes).selectinload(M.Outcome.overrides),
            selectinload(M.Strategy.outcomes)
            .selectinload(M.Outcome.findings)
            .selectinload(M.Finding.source),
            selectinload(M.Strategy.outcomes)
            .selectinload(M.Outcome.indicators)
            .selectinload(M.Indicator.measurements),
        )
    ).all()
    by_uid = {r.uid: r for r in rows}
    for key in keys:
        if key not in by_uid:
            raise NotFoundError("strategy", key)
    return [by_uid[k] for k in keys]


def _compared(s: M.Strategy) -> ComparedStrategy:
    outcomes = [o for o in s.outcomes if o.deleted_at is None]
    by_score = [0] * 6
    for link in s.source_links:
        if link.source.deleted_at is None:
            by_score[source_score(link.source)] += 1
    partners = sorted(s.partners, key=lambda p: (p.role != E.PartnerRole.LEAD, p.id))
    return ComparedStrategy(
        uid=s.uid,
        title=s.title,
        is_sample=s.is_sample,
        headline_level=s.headline_level,
        headline_certainty=s.headline_certainty,
        harm_flag=s.harm_flag,
        outcome_ratings=tuple(_rating_cell(o) for o in outcomes),
        studies_by_score=tuple(by_score),
        strongest_finding=_strongest(outcomes),
        indicator_progress=tuple(_progress(o, i) for o in outcomes for i in o.indicators),
        cost_amount=s.cost_amount,
        cost_currency=s.cost_currency,
        partners=tuple(f"{p.organisation.name} ({p.role.label.lower()})" for p in partners),
        partnership_type=s.partnership_type,
        focus=tuple(s.focus),
        geography=tuple(s.geography),
        period_start=s.period_start,
        period_end=s.period_end,
        status=s.status,
    )


def _rating_cell(o: M.Outcome) -> OutcomeRatingCell:
    override = next((ov for ov in reversed(o.overrides) if ov.active), None)
    if override is not None:
        level, certainty = override.level, override.certainty
    elif o.rating is not None:
        level, certainty = o.rating.level, o.rating.certainty
    else:
        level, certainty = E.RatingLevel.NOT_RATED, None
    return OutcomeRatingCell(o.title, o.focus, o.primary, level, certainty, override is not None)


def _strongest(outcomes: list[M.Outcome]) -> StrongestFinding | None:
    candidates = [
        (o, f)
        for o in outcomes
        for f in o.findings
        if f.source.deleted_at is None
        and f.significant
        and f.direction is E.FindingDirection.FAVOURABLE
    ]
    if not candidates:
        return None

    def key(pair: tuple[M.Outcome, M.Finding]) -> tuple:
        _, f = pair
        size = abs(f.effect_size) if f.effect_size is not None else -1.0
        return (-source_score(f.source), -size, f.id)

    outcome, finding = min(candidates, key=key)
    return StrongestFinding(
        outcome_title=outcome.title,
        source_label=study_label(finding.source),
        score=source_score(finding.source),
        effect_size=finding.effect_size,
        effect_size_type=finding.effect_size_type,
    )


def _progress(o: M.Outcome, i: M.Indicator) -> IndicatorProgress:
    latest = i.measurements[-1] if i.measurements else None
    value = latest.value if latest is not None else None
    fraction = None
    if None not in (value, i.baseline_value, i.target_value) and i.target_value != i.baseline_value:
        fraction = (value - i.baseline_value) / (i.target_value - i.baseline_value)
    return IndicatorProgress(
        outcome_title=o.title,
        name=i.name,
        unit=i.unit or "",
        baseline=i.baseline_value,
        target=i.target_value,
        latest=value,
        latest_period=latest.period if latest is not None else None,
        fraction=fraction,
    )


# -- the rows of the side-by-side table ---------------------------------------------------------
def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:,.6g}"


def _progress_text(p: IndicatorProgress) -> str:
    unit = "" if not p.unit else p.unit if p.unit == "%" else f" {p.unit}"
    if p.latest is None:
        return (
            f"{p.name}: no values yet (baseline {_number(p.baseline)}, target {_number(p.target)})"
        )
    where = f"{_number(p.latest)}{unit} in {p.latest_period}"
    if p.fraction is None:
        return f"{p.name}: {where} (baseline {_number(p.baseline)}, target {_number(p.target)})"
    return (
        f"{p.name}: {p.fraction:.0%} of the way to target ({where}; baseline "
        f"{_number(p.baseline)}, target {_number(p.target)})"
    )


def _strongest_text(f: StrongestFinding | None) -> str:
    if f is None:
        return "No significant favourable finding"
    effect = ""
    if f.effect_size is not None:
        kind = f" {f.effect_size_type.label.lower()}" if f.effect_size_type else ""
        effect = f", effect {f.effect_size:g}{kind}"
    return f"{f.source_label} (score {f.score}) on \u201c{f.outcome_title}\u201d{effect}"


def _studies_text(s: ComparedStrategy) -> str:
    """ "3 (1 at score 5, 2 at score 4)": the linked studies, best score first."""
    parts = [
        f"{s.studies_by_score[n]} at score {n}" for n in range(5, -1, -1) if s.studies_by_score[n]
    ]
    return f"{s.study_count} ({', '.join(parts)})" if parts else "0"


def _period_text(s: ComparedStrategy) -> str:
    if s.period_start is None and s.period_end is None:
        return "-"
    return f"{s.period_start or '?'} to {s.period_end or 'ongoing'}"


def _cost_text(s: ComparedStrategy) -> str:
    if s.cost_amount is None:
        return "-"
    return f"{s.cost_amount:,.2f} {s.cost_currency or ''}".strip()


def _row_values(s: ComparedStrategy) -> list[tuple[str, str, str]]:
    outcomes = [
        f"{o.title} [{o.focus.label}]: {rating_text(o.level, o.certainty)}"
        + (" (override)" if o.overridden else "")
        for o in s.outcome_ratings
    ]
    values = [
        ("headline", "Headline rating", rating_text(s.headline_level, s.headline_certainty)),
        ("harm", "Harm flag", "Harm found" if s.harm_flag else "No harm found"),
        ("outcomes", "Ratings per outcome", "\n".join(outcomes) or "No outcomes"),
        ("studies", "Studies by score", _studies_text(s)),
    ]
    values += [
        ("strongest", "Strongest finding", _strongest_text(s.strongest_finding)),
        (
            "progress",
            "Indicator progress",
            "\n".join(_progress_text(p) for p in s.indicator_progress) or "No indicators",
        ),
        ("cost", "Cost", _cost_text(s)),
        ("partners", "Partners", "\n".join(s.partners) or "None recorded"),
        ("partnership_type", "Partnership type", s.partnership_type.label),
        ("focus", "Ps", ", ".join(E.Focus(p).label for p in s.focus)),
        ("geography", "Geography", ", ".join(geography.name_of(c) for c in s.geography) or "-"),
        ("period", "Period", _period_text(s)),
        ("status", "Status", s.status.label),
    ]
    return values


def _rows(compared: list[ComparedStrategy]) -> tuple[ComparisonRow, ...]:
    columns = [_row_values(s) for s in compared]
    rows = []
    for i, (key, label, _) in enumerate(columns[0]):
        values = tuple(col[i][2] for col in columns)
        rows.append(ComparisonRow(key, label, values, len(set(values)) > 1))
    return tuple(rows)
