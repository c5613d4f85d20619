"""The evidence gap map: where evidence is strong, weak or missing, by partnership type (or
outcome level) and P, for the strategies the browser's filters select."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import Select, and_, distinct, func, select

from evidencetracker.db import models as M
from evidencetracker.domain import enums as E
from evidencetracker.domain.comparison_records import GapCell, GapMap
from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.strategies import StrategyQuery, filter_strategies

LAYOUTS = {
    "partnership_type": (M.Strategy.partnership_type, E.PartnershipType),
    "outcome_level": (M.Outcome.level, E.OutcomeLevel),
}


class GapMapService:
    """Counts studies, strategies and the best level per cell of the gap map."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def matrix(
        self,
        query: StrategyQuery | None = None,
        layout: str = "partnership_type",
        include_confidential: bool = True,
    ) -> GapMap:
        """The gap map of the strategies matching ``query`` (all live strategies when None).

        Rows are the partnership types (layout ``partnership_type``) or the outcome levels
        (layout ``outcome_level``), in the vocabulary's order; columns are the 4Ps. An outcome
        (not in the Trash, of a matching strategy) falls in the cell of its P and of its
        strategy's partnership type, or of its own level. For each cell:

        - ``studies``: distinct evidence sources, not in the Trash, with at least one finding on
          an outcome of the cell (a study reporting on two outcomes of the cell counts once);
        - ``strategy_uids``: the strategies with at least one outcome in the cell;
        - ``best_level``: the best effective level (a reviewer's override when one is in force,
          else the computed rating) among the cell's rated outcomes, None when none is rated;
        - ``harm``: whether any of those outcomes is rated Harmful.

        With ``include_confidential`` false (a shareable export), confidential sources are not
        counted: even their number must not leave the machine unasked.

        Every cell is present; one with no studies is empty (an evidence gap). The query's
        sort and window are ignored. Two queries compute it, whatever the number of strategies.

        Raises:
            ValidationError: an unknown layout (field ``layout``).
        """
        if layout not in LAYOUTS:
            raise ValidationError(
                FieldError("layout", f"Unknown layout '{layout}': use {' or '.join(LAYOUTS)}")
            )
        row_col, row_enum = LAYOUTS[layout]
        q = query or StrategyQuery()
        outcomes_stmt = (
            _over_outcomes(select(row_col, M.Outcome.focus, M.Strategy.uid, M.Outcome.id))
            .add_columns(M.OutcomeRating.level, M.RatingOverride.level)
            .outerjoin(M.OutcomeRating, M.OutcomeRating.outcome_id == M.Outcome.id)
            .outerjoin(
                M.RatingOverride,
                and_(M.RatingOverride.outcome_id == M.Outcome.id, M.RatingOverride.active),
            )
            .order_by(M.Outcome.id, M.RatingOverride.id)
        )
        studies_stmt = (
            _over_outcomes(
                select(row_col, M.Outcome.focus, func.count(distinct(M.EvidenceSource.id)))
            )
            .join(M.Finding, M.Finding.outcome_id == M.Outcome.id)
            .join(M.EvidenceSource, M.EvidenceSource.id == M.Finding.source_id)
            .where(M.EvidenceSource.deleted_at.is_(None))
            .group_by(row_col, M.Outcome.focus)
        )
        if not include_confidential:
            studies_stmt = studies_stmt.where(M.EvidenceSource.confidential.is_(False))
        strategies: dict[tuple, dict[uuid.UUID, None]] = defaultdict(dict)
        levels: dict[tuple, dict[int, E.RatingLevel]] = defaultdict(dict)
        with self.ctx.read() as session:
            for row, focus, strategy_uid, outcome_id, computed, overriding in session.execute(
                filter_strategies(outcomes_stmt, q)
            ):
                key = (row_enum(row).value, E.Focus(focus))
                strategies[key][strategy_uid] = None
                # Ordered by override id, so the newest active override wins if there are two.
                levels[key][outcome_id] = overriding or computed or E.RatingLevel.NOT_RATED
            studies = {
                (row_enum(row).value, E.Focus(focus)): n
                for row, focus, n in session.execute(filter_strategies(studies_stmt, q))
            }
        cells = []
        for member in row_enum:
            for focus in E.Focus:
                key = (member.value, focus)
                rated = [lv for lv in levels[key].values() if lv is not E.RatingLevel.NOT_RATED]
                cells.append(
                    GapCell(
                        row=member.value,
                        focus=focus,
                        studies=studies.get(key, 0),
                        strategy_uids=tuple(strategies[key]),
                        best_level=min(rated, key=lambda lv: lv.rank) if rated else None,
                        harm=E.RatingLevel.HARMFUL in rated,
                    )
                )
        return GapMap(
            layout=layout,
            rows=tuple(m.value for m in row_enum),
            row_labels=tuple(m.label for m in row_enum),
            columns=tuple(E.Focus),
            cells=tuple(cells),
        )


def _over_outcomes(stmt: Select) -> Select:
    return stmt.select_from(M.Strategy).join(
        M.Outcome, and_(M.Outcome.strategy_id == M.Strategy.id, M.Outcome.deleted_at.is_(None))
    )
