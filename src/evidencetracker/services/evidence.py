"""Evidence sources (studies), their links to strategies, and their findings on outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from evidencetracker.db import models as M
from evidencetracker.domain import records as R
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.context import touch
from evidencetracker.services.entity_service import EntityService


def _link(session: Any, strategy: M.Strategy, source: M.EvidenceSource, author: str) -> None:
    exists = session.scalar(
        select(M.StrategySource.id).where(
            M.StrategySource.strategy_id == strategy.id, M.StrategySource.source_id == source.id
        )
    )
    if exists is None:
        create_link(session, strategy, source, author)


def create_link(session: Any, strategy: M.Strategy, source: M.EvidenceSource, author: str) -> None:
    """Link a source to a strategy (known not to be linked yet), with its audit entry."""
    link = M.StrategySource(strategy=strategy, source=source)
    session.add(link)
    session.flush()
    crud.audit(
        session,
        "strategy source",
        "create",
        link,
        strategy,
        author,
        f"Linked evidence source '{source.title[:80]}' to '{strategy.title}'",
    )


def _set_tags(session: Any, row: M.EvidenceSource, names: Iterable[str]) -> None:
    wanted = sorted({n.strip() for n in names if n and n.strip()})
    existing = {t.name: t for t in session.scalars(select(M.Tag).where(M.Tag.name.in_(wanted)))}
    row.tags = [existing.get(n) or M.Tag(name=n) for n in wanted]


class EvidenceSourceService(EntityService):
    kind = K.EVIDENCE_SOURCE

    def create(
        self, values: Mapping[str, Any], *, strategy_uid: Any = None, tags: Iterable[str] = ()
    ) -> R.EvidenceSourceRecord:
        """Record a source; with ``strategy_uid`` it is linked to that strategy as well."""
        with self.ctx.write("create evidence source") as session:
            row = self._create(session, values)
            _set_tags(session, row, tags)
            if strategy_uid is not None:
                strategy = crud.load(session, K.STRATEGY, strategy_uid)
                _link(session, strategy, row, self.ctx.author())
            return crud.to_record(self.kind, row)

    def link(self, strategy_uid: Any, source_uid: Any) -> None:
        with self.ctx.write("link evidence") as session:
            strategy = crud.load(session, K.STRATEGY, strategy_uid)
            source = crud.load(session, self.kind, source_uid)
            _link(session, strategy, source, self.ctx.author())

    def unlink(self, strategy_uid: Any, source_uid: Any) -> None:
        """Detach a source from a strategy (its findings on that strategy's outcomes go too)."""
        with self.ctx.write("unlink evidence") as session:
            strategy = crud.load(session, K.STRATEGY, strategy_uid)
            source = crud.load(session, self.kind, source_uid)
            for finding in list(source.findings):
                if finding.outcome.strategy_id == strategy.id:
                    crud.purge(session, K.FINDING, finding.uid, self.ctx.author())
            link = session.scalar(
                select(M.StrategySource).where(
                    M.StrategySource.strategy_id == strategy.id,
                    M.StrategySource.source_id == source.id,
                )
            )
            if link is not None:
                crud.purge(session, _LINK_KIND, link.uid, self.ctx.author())
            touch(session, "strategy", strategy)

    def list(self, include_deleted: bool = False) -> list[R.EvidenceSourceRecord]:
        stmt = select(M.EvidenceSource).order_by(M.EvidenceSource.title)
        if not include_deleted:
            stmt = stmt.where(M.EvidenceSource.deleted_at.is_(None))
        with self.ctx.read() as session:
            return [crud.to_record(self.kind, s) for s in session.scalars(stmt)]

    def strategies_of(self, source_uid: Any) -> list[Any]:
        """The uids of the strategies a source is linked to."""
        with self.ctx.read() as session:
            source = crud.load(session, self.kind, source_uid, include_deleted=True)
            return [link.strategy.uid for link in source.strategy_links]


_LINK_KIND = crud.Kind(
    # Links are never shown as records, only created, audited and purged.
    "strategy source",
    M.StrategySource,
    (),
    object,
    strategy_of=lambda r: r.strategy,
    title_of=lambda r: r.source.title[:80],
)


class FindingService(EntityService):
    kind = K.FINDING

    def create(
        self, source_uid: Any, outcome_uid: Any, values: Mapping[str, Any]
    ) -> R.FindingRecord:
        """Record what a source found on an outcome; the source is linked to its strategy."""
        with self.ctx.write("add finding") as session:
            source = crud.load(session, K.EVIDENCE_SOURCE, source_uid)
            outcome = crud.load(session, K.OUTCOME, outcome_uid)
            _link(session, outcome.strategy, source, self.ctx.author())
            row = self._create(session, values, source=source, outcome=outcome)
            return crud.to_record(self.kind, row)
