"""Organisations and the partner roles they hold in strategies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from evidencetracker.db import models as M
from evidencetracker.domain import records as R
from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.entity_service import EntityService


class OrganisationService(EntityService):
    kind = K.ORGANISATION

    def create(self, values: Mapping[str, Any]) -> R.OrganisationRecord:
        with self.ctx.write("create organisation") as session:
            _check_unique_name(session, values.get("name"))
            return crud.to_record(self.kind, self._create(session, values))

    def update(self, uid: Any, expected_version: int, changes: Mapping[str, Any]) -> Any:
        if "name" in changes:
            with self.ctx.read() as session:
                _check_unique_name(session, changes["name"], except_uid=uid)
        return super().update(uid, expected_version, changes)

    def list(self, prefix: str = "", limit: int | None = None) -> list[R.OrganisationRecord]:
        """Organisations by name; with ``prefix``, those whose name starts with it (completion)."""
        stmt = select(M.Organisation).order_by(func.lower(M.Organisation.name))
        if prefix:
            stmt = stmt.where(
                func.lower(M.Organisation.name).startswith(prefix.lower(), autoescape=True)
            )
        if limit:
            stmt = stmt.limit(limit)
        with self.ctx.read() as session:
            return [crud.to_record(self.kind, o) for o in session.scalars(stmt)]

    def find_by_name(self, name: str) -> R.OrganisationRecord | None:
        with self.ctx.read() as session:
            row = _by_name(session, name)
            return crud.to_record(self.kind, row) if row else None


def _by_name(session: Any, name: str) -> M.Organisation | None:
    return session.scalar(
        select(M.Organisation).where(func.lower(M.Organisation.name) == name.strip().lower())
    )


def _check_unique_name(session: Any, name: Any, except_uid: Any = None) -> None:
    if not name or not str(name).strip():
        return
    row = _by_name(session, str(name))
    if row is not None and (except_uid is None or str(row.uid) != str(except_uid)):
        raise ValidationError(FieldError("name", f"An organisation named '{row.name}' exists"))


class PartnerService(EntityService):
    kind = K.PARTNER

    def create(
        self,
        strategy_uid: Any,
        values: Mapping[str, Any],
        *,
        organisation_uid: Any = None,
        new_organisation: Mapping[str, Any] | None = None,
    ) -> R.PartnerRecord:
        """Add an organisation to a strategy in a role: an existing one or one created inline."""
        with self.ctx.write("add partner") as session:
            strategy = crud.load(session, K.STRATEGY, strategy_uid)
            if new_organisation is not None:
                existing = _by_name(session, str(new_organisation.get("name") or ""))
                org = existing or crud.create(
                    session, K.ORGANISATION, new_organisation, self.ctx.author()
                )
            elif organisation_uid is not None:
                org = crud.load(session, K.ORGANISATION, organisation_uid)
            else:
                raise ValidationError(FieldError("organisation", "Organisation is required"))
            duplicate = session.scalar(
                select(M.Partner).where(
                    M.Partner.strategy_id == strategy.id,
                    M.Partner.organisation_id == org.id,
                    M.Partner.role == crud.clean(self.kind.fields, values)["role"],
                )
            )
            if duplicate is not None:
                raise ValidationError(
                    FieldError("role", f"{org.name} already has this role in the strategy")
                )
            row = self._create(session, values, strategy=strategy, organisation=org)
            return crud.to_record(self.kind, row)
