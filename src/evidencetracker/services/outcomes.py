"""Outcomes of a strategy, their indicators and the indicators' measurements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from evidencetracker.db import models as M
from evidencetracker.domain import records as R
from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.entity_service import EntityService


class OutcomeService(EntityService):
    kind = K.OUTCOME

    def create(self, strategy_uid: Any, values: Mapping[str, Any]) -> R.OutcomeRecord:
        with self.ctx.write("create outcome") as session:
            strategy = crud.load(session, K.STRATEGY, strategy_uid)
            return crud.to_record(self.kind, self._create(session, values, strategy=strategy))


class IndicatorService(EntityService):
    kind = K.INDICATOR

    def create(self, outcome_uid: Any, values: Mapping[str, Any]) -> R.IndicatorRecord:
        with self.ctx.write("create indicator") as session:
            outcome = crud.load(session, K.OUTCOME, outcome_uid)
            return crud.to_record(self.kind, self._create(session, values, outcome=outcome))


class MeasurementService(EntityService):
    kind = K.MEASUREMENT

    def create(self, indicator_uid: Any, values: Mapping[str, Any]) -> R.MeasurementRecord:
        with self.ctx.write("add measurement") as session:
            indicator = crud.load(session, K.INDICATOR, indicator_uid)
            period = str(values.get("period") or "").strip()
            clash = session.scalar(
                select(M.Measurement.id).where(
                    M.Measurement.indicator_id == indicator.id, M.Measurement.period == period
                )
            )
            if clash is not None:
                raise ValidationError(
                    FieldError("period", f"There is already a value for period {period}")
                )
            return crud.to_record(self.kind, self._create(session, values, indicator=indicator))
