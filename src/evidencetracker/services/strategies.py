"""Strategies: the browser's query, the detail snapshot, and every change to a strategy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from evidencetracker.db import models as M
from evidencetracker.db.base import utcnow
from evidencetracker.db.types import member_pattern
from evidencetracker.domain import enums as E
from evidencetracker.domain import records as R
from evidencetracker.domain.errors import FieldError, NotFoundError, ValidationError
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.text_filter import has_trigram_index, text_conditions

SORT_KEYS = {
    "title": M.Strategy.title,
    "partnership_type": M.Strategy.partnership_type,
    "focus": M.Strategy.focus,
    "geography": M.Strategy.geography,
    "status": M.Strategy.status,
    "rating": M.Strategy.headline_level,  # see _rating_order
    "sources": None,  # the source-count subquery
    "updated_at": M.Strategy.updated_at,
}


@dataclass(frozen=True)
class StrategyQuery:
    """What the strategy browser asks for: free text, facets, sort and a window of rows."""

    text: str = ""
    focus: E.Focus | None = None
    partnership_type: E.PartnershipType | None = None
    geography: str | None = None
    status: E.StrategyStatus | None = None
    rating: E.RatingLevel | None = None
    tag: str | None = None
    uids: tuple = ()  # restrict to these (a gap-map cell, a search result)
    sort: str = "title"
    descending: bool = False
    offset: int = 0
    limit: int | None = None


def _source_count():
    return (
        select(func.count(M.StrategySource.id))
        .join(M.EvidenceSource, M.EvidenceSource.id == M.StrategySource.source_id)
        .where(M.StrategySource.strategy_id == M.Strategy.id, M.EvidenceSource.deleted_at.is_(None))
        .correlate(M.Strategy)
        .scalar_subquery()
    )


_IN_CHUNK = 900  # ids per IN list: under SQLite's smallest variable limit (999)
_SUMMARY = (
    M.Strategy.id,
    M.Strategy.uid,
    M.Strategy.title,
    M.Strategy.partnership_type,
    M.Strategy.focus,
    M.Strategy.geography,
    M.Strategy.status,
    M.Strategy.headline_level,
    M.Strategy.headline_certainty,
    M.Strategy.harm_flag,
    M.Strategy.updated_at,
    M.Strategy.confidential,
    M.Strategy.is_sample,
    M.Strategy.version,
)


def _source_counts(strategy_ids: list[int]) -> Select:
    """(strategy id, live evidence sources) for these strategies; absent means none."""
    return (
        select(M.StrategySource.strategy_id, func.count(M.StrategySource.id))
        .join(M.EvidenceSource, M.EvidenceSource.id == M.StrategySource.source_id)
        .where(
            M.StrategySource.strategy_id.in_(strategy_ids), M.EvidenceSource.deleted_at.is_(None)
        )
        .group_by(M.StrategySource.strategy_id)
    )


def _filtered(
    stmt: Select, q: StrategyQuery, *, trigram: bool = False, in_index_order: bool = False
) -> Select:
    S = M.Strategy
    text = text_conditions(q.text, trigram=trigram, in_index_order=in_index_order)
    stmt = stmt.where(S.deleted_at.is_(None), *text)
    if q.focus is not None:
        stmt = stmt.where(S.focus.like(member_pattern(E.Focus(q.focus).value), escape="\\"))
    if q.partnership_type is not None:
        stmt = stmt.where(S.partnership_type == q.partnership_type)
    if q.geography:
        stmt = stmt.where(S.geography.like(member_pattern(q.geography), escape="\\"))
    if q.status is not None:
        stmt = stmt.where(S.status == q.status)
    if q.rating is not None:
        stmt = stmt.where(S.headline_level == q.rating)
    if q.tag:
        stmt = stmt.where(S.tags.any(M.Tag.name == q.tag))
    if q.uids:
        stmt = stmt.where(S.uid.in_([crud.parse_uid(u, "strategy") for u in q.uids]))
    return stmt


def filter_strategies(
    stmt: Select, query: StrategyQuery | None = None, *, trigram: bool = False
) -> Select:
    """Restrict a statement over strategies to the live ones ``query`` matches, as the browser
    does; the query's sort and window (offset, limit) are not applied.

    Args:
        stmt: a SELECT over strategies.
        query: the browser's query; everything by default.
        trigram: the database has the trigram index (``text_filter.has_trigram_index``); the
            result is the same either way, only faster with it.
    """
    return _filtered(stmt, query or StrategyQuery(), trigram=trigram)


def _rating_order():
    # Best rating first, in the order of DOMAIN.md, not alphabetically.
    return case(
        {level.value: level.rank for level in E.RatingLevel},
        value=M.Strategy.headline_level,
        else_=len(E.RatingLevel),
    )


class StrategyService:
    """Create, read, update, trash, restore and purge strategies, and query the browser list."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx
        self._trigram: bool | None = None

    def _has_trigram(self, session: Session) -> bool:
        # The schema cannot change under an open database, so one look is enough.
        if self._trigram is None:
            self._trigram = has_trigram_index(session)
        return self._trigram

    # -- queries -----------------------------------------------------------------------------
    def list(self, query: StrategyQuery | None = None) -> list[R.StrategySummary]:
        """The strategies matching ``query``, sorted and windowed in SQL.

        The window is chosen on ids first; only its rows are then read, with their source
        counts, so a page of 200 among 10,000 strategies neither counts the sources of every
        strategy nor reads every description (docs/performance.md).
        """
        q = query or StrategyQuery()
        S = M.Strategy
        if q.sort == "sources":
            key: Any = _source_count()
        elif q.sort == "rating":
            key = _rating_order()
        else:
            key = SORT_KEYS.get(q.sort, S.title)
        order = key.desc() if q.descending else key.asc()
        rows: dict[int, Any] = {}
        counts: dict[int, int] = {}
        with self.ctx.read() as session:
            # Title order is the order of ix_strategies_browser (migration 0005).
            in_order = key is S.title
            stmt = _filtered(
                select(S.id), q, trigram=self._has_trigram(session), in_index_order=in_order
            )
            stmt = stmt.order_by(order, S.id.desc() if q.descending else S.id)
            if q.offset:
                stmt = stmt.offset(q.offset)
            if q.limit is not None:
                stmt = stmt.limit(q.limit)
            ids = list(session.scalars(stmt))
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start : start + _IN_CHUNK]
                rows.update(
                    (r.id, r) for r in session.execute(select(*_SUMMARY).where(S.id.in_(chunk)))
                )
                counts.update((i, n) for i, n in session.execute(_source_counts(chunk)))
        return [
            R.StrategySummary(
                uid=s.uid,
                title=s.title,
                partnership_type=s.partnership_type,
                focus=s.focus,
                geography=s.geography,
                status=s.status,
                headline_level=s.headline_level,
                headline_certainty=s.headline_certainty,
                harm_flag=s.harm_flag,
                source_count=counts.get(s.id, 0),
                updated_at=s.updated_at,
                confidential=s.confidential,
                is_sample=s.is_sample,
                version=s.version,
            )
            for s in (rows.get(i) for i in ids)
            if s is not None  # purged between the two reads
        ]

    def count(self, query: StrategyQuery | None = None) -> int:
        with self.ctx.read() as session:
            stmt = _filtered(
                select(func.count(M.Strategy.id)),
                query or StrategyQuery(),
                trigram=self._has_trigram(session),
            )
            return session.scalar(stmt) or 0

    def get(self, uid: Any) -> R.StrategyRecord:
        with self.ctx.read() as session:
            return crud.to_record(K.STRATEGY, crud.load(session, K.STRATEGY, uid))

    def detail(self, uid: Any) -> R.StrategyDetail:
        """The strategy with partners, outcomes, indicators, evidence and the rest, at once."""
        with self.ctx.read() as session:
            row = crud.load(session, K.STRATEGY, uid)
            return build_detail(session, row)

    def resolve(self, text: str) -> Any:
        """The uid of the strategy whose ID is ``text`` or starts with it (6+ characters).

        Raises:
            NotFoundError: no strategy, or several, match.
        """
        cleaned = text.strip().lower()
        try:
            return crud.parse_uid(cleaned, "strategy")
        except NotFoundError:
            if len(cleaned) < 6:
                raise
        with self.ctx.read() as session:
            matches = [
                u
                for u in session.scalars(
                    select(M.Strategy.uid).where(M.Strategy.deleted_at.is_(None))
                )
                if str(u).startswith(cleaned) or u.hex.startswith(cleaned.replace("-", ""))
            ]
        if len(matches) != 1:
            raise NotFoundError("strategy", text)
        return matches[0]

    def tag_names(self) -> list[str]:
        with self.ctx.read() as session:
            return list(session.scalars(select(M.Tag.name).distinct().order_by(M.Tag.name)))

    # -- changes -----------------------------------------------------------------------------
    def create(self, values: Mapping[str, Any], tags: Iterable[str] = ()) -> R.StrategyRecord:
        with self.ctx.write("create strategy") as session:
            row = crud.create(session, K.STRATEGY, values, self.ctx.author())
            _set_tags(session, row, tags)
            return crud.to_record(K.STRATEGY, row)

    def update(
        self, uid: Any, expected_version: int, changes: Mapping[str, Any]
    ) -> R.StrategyRecord:
        """Change fields; ``changes`` may hold ``tags`` (a list of names) beside schema fields."""
        changes = dict(changes)
        tags = changes.pop("tags", None)
        with self.ctx.write("update strategy") as session:
            row = crud.update(
                session, K.STRATEGY, uid, expected_version, changes, self.ctx.author()
            )
            if tags is not None and sorted(set(tags)) != [t.name for t in row.tags]:
                before = [t.name for t in row.tags]
                _set_tags(session, row, tags)
                row.updated_at = utcnow()
                session.flush()
                crud.audit(
                    session,
                    "strategy",
                    "update",
                    row,
                    row,
                    self.ctx.author(),
                    f"Changed tags of strategy '{row.title}'",
                    {"tags": {"from": before, "to": sorted(set(tags))}},
                )
            return crud.to_record(K.STRATEGY, row)

    def trash(self, uid: Any) -> R.StrategyRecord:
        with self.ctx.write("delete strategy") as session:
            return crud.to_record(
                K.STRATEGY, crud.trash(session, K.STRATEGY, uid, self.ctx.author())
            )

    def restore(self, uid: Any) -> R.StrategyRecord:
        with self.ctx.write("restore strategy") as session:
            return crud.to_record(
                K.STRATEGY, crud.restore(session, K.STRATEGY, uid, self.ctx.author())
            )

    def purge(self, uid: Any) -> None:
        with self.ctx.write("purge strategy") as session:
            crud.purge(session, K.STRATEGY, uid, self.ctx.author())


def _set_tags(session: Session, row: M.Strategy, names: Iterable[str]) -> None:
    wanted = sorted({n.strip() for n in names if n and n.strip()})
    for name in wanted:
        if len(name) > 200:
            raise ValidationError(FieldError("tags", f"Tag '{name[:30]}…' is longer than 200"))
    existing = {
        t.name: t
        for t in session.scalars(
            select(M.Tag).where(M.Tag.name.in_(wanted), M.Tag.parent_id.is_(None))
        )
    }
    row.tags = [existing.get(n) or M.Tag(name=n) for n in wanted]


def build_detail(session: Session, row: M.Strategy) -> R.StrategyDetail:
    """Snapshot a strategy and all it holds as records (used by the editor, CLI and reports)."""
    outcomes = session.scalars(
        select(M.Outcome)
        .where(M.Outcome.strategy_id == row.id, M.Outcome.deleted_at.is_(None))
        .order_by(M.Outcome.id)
        .options(
            selectinload(M.Outcome.indicators).selectinload(M.Indicator.measurements),
            selectinload(M.Outcome.rating),
            selectinload(M.Outcome.overrides),
        )
    ).all()
    findings = _finding_records(session, outcomes)
    outcome_details = []
    for o in outcomes:
        overrides = tuple(crud.to_record(K.RATING_OVERRIDE, ov) for ov in o.overrides)
        active = next((ov for ov in reversed(overrides) if ov.active), None)
        rating = None
        if o.rating is not None:
            rating = R.OutcomeRatingRecord(
                level=o.rating.level,
                certainty=o.rating.certainty,
                rule=o.rating.rule,
                trace=o.rating.trace,
                studies=tuple(o.rating.studies or ()),
                rubric_version=o.rating.rubric_version,
                computed_at=o.rating.computed_at,
                override=active,
            )
        outcome_details.append(
            R.OutcomeDetail(
                outcome=crud.to_record(K.OUTCOME, o),
                indicators=tuple(
                    R.IndicatorDetail(
                        crud.to_record(K.INDICATOR, i),
                        tuple(crud.to_record(K.MEASUREMENT, m) for m in i.measurements),
                    )
                    for i in o.indicators
                ),
                findings=findings.get(o.id, ()),
                rating=rating,
                overrides=overrides,
            )
        )
    return R.StrategyDetail(
        strategy=crud.to_record(K.STRATEGY, row),
        partners=tuple(
            crud.to_record(K.PARTNER, p)
            for p in sorted(row.partners, key=lambda p: (p.role != E.PartnerRole.LEAD, p.id))
        ),
        outcomes=tuple(outcome_details),
        sources=_source_records(session, row.id),
        external_ratings=tuple(crud.to_record(K.EXTERNAL_RATING, x) for x in row.external_ratings),
        notes=tuple(crud.to_record(K.NOTE, n) for n in row.notes),
        attachments=tuple(crud.to_record(K.ATTACHMENT, a) for a in row.attachments),
    )


# A strategy can hold hundreds of sources and thousands of findings: they are read as plain rows
# rather than ORM objects, which took most of the time of opening such a strategy.
def _plain(row: Any, **extra: Any) -> SimpleNamespace:
    """A Core row as an object ``crud.to_record`` can read (it reads attributes by name)."""
    return SimpleNamespace(**row._mapping, **extra)


def _source_records(session: Session, strategy_id: int) -> tuple:
    """The strategy's live evidence sources, newest first, as records with their tags."""
    src, link = M.EvidenceSource, M.StrategySource
    linked = select(link.source_id).where(link.strategy_id == strategy_id)
    tags: dict[int, list[SimpleNamespace]] = {}
    for source_id, name in session.execute(
        select(M.source_tags.c.source_id, M.Tag.name)
        .join(M.Tag, M.Tag.id == M.source_tags.c.tag_id)
        .where(M.source_tags.c.source_id.in_(linked))
        .order_by(M.Tag.name)
    ):
        tags.setdefault(source_id, []).append(SimpleNamespace(name=name))
    rows = session.execute(
        select(*src.__table__.columns)
        .join(link, link.source_id == src.id)
        .where(link.strategy_id == strategy_id, src.deleted_at.is_(None))
        .order_by(src.year.desc(), src.id)
    )
    return tuple(
        crud.to_record(K.EVIDENCE_SOURCE, _plain(r, tags=tags.get(r.id, []))) for r in rows
    )


def _finding_records(session: Session, outcomes: Sequence[M.Outcome]) -> dict[int, tuple]:
    """Outcome id -> its findings whose source is not in the Trash, as records."""
    by_id = {o.id: o for o in outcomes}
    found: dict[int, list] = {}
    if not by_id:
        return {}
    rows = session.execute(
        select(*M.Finding.__table__.columns, M.EvidenceSource.uid.label("source_uid"))
        .join(M.EvidenceSource, M.EvidenceSource.id == M.Finding.source_id)
        .where(M.Finding.outcome_id.in_(list(by_id)), M.EvidenceSource.deleted_at.is_(None))
        .order_by(M.Finding.outcome_id, M.Finding.id)
    )
    for r in rows:
        source = SimpleNamespace(uid=r.source_uid)
        record = crud.to_record(K.FINDING, _plain(r, source=source, outcome=by_id[r.outcome_id]))
        found.setdefault(r.outcome_id, []).append(record)
    return {k: tuple(v) for k, v in found.items()}
