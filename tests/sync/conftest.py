"""Fixtures for sync tests: laptops (SQLite files), a team database, dumps and a skewable clock."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from evidencetracker.db import base as db_base
from evidencetracker.db import models as M
from evidencetracker.services.container import Services
from evidencetracker.services.sync.tables import ORDER, SPECS, TAG_LINKS

TIMESTAMPS = {"created_at", "updated_at", "deleted_at", "at", "computed_at", "resolved_at"}


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator:
    """``laptop(name)`` opens (once) a local SQLite database whose author is ``name``."""
    opened: dict[str, Services] = {}

    def laptop(name: str) -> Services:
        if name not in opened:
            opened[name] = Services.open(tmp_path / f"{name}.sqlite", author=name)
        return opened[name]

    yield laptop
    for svc in opened.values():
        svc.close()


def new_strategy(svc: Services, title: str = "Joint task force", **extra) -> uuid.UUID:
    values = {
        "title": title,
        "summary": "Police and NGOs share referrals.",
        "partnership_type": "law_enforcement_task_force",
        "focus": ["protection"],
        "status": "active",
        **extra,
    }
    return svc.strategies.create(values).uid


def edit(svc: Services, uid, **changes):
    current = svc.strategies.get(uid)
    return svc.strategies.update(uid, current.version, changes)


def dump(svc: Services, *, timestamps: bool = True) -> dict[str, list]:
    """Every merged table, sorted by uid, with local integer ids replaced by uids."""
    out: dict[str, list] = {}
    with svc.ctx.read() as session:
        uid_of: dict[str, dict[int, str]] = {}
        for name in ORDER:
            t = SPECS[name].table
            uid_of[name] = {i: str(u) for i, u in session.execute(select(t.c.id, t.c.uid))}
        for name in ORDER:
            table = SPECS[name].table
            rows = []
            for row in session.execute(select(table)).mappings():
                item = {}
                for col in table.columns:
                    if col.name == "id" or (not timestamps and col.name in TIMESTAMPS):
                        continue
                    value = row[col.name]
                    fk = next(iter(col.foreign_keys), None)
                    if fk is not None and value is not None:
                        value = uid_of[fk.column.table.name][value]
                    item[col.name] = str(value) if isinstance(value, uuid.UUID) else value
                rows.append(item)
            out[name] = sorted(rows, key=lambda r: r["uid"])
        for name, link in TAG_LINKS.items():
            owner, tag = list(link.c)
            out[f"{name}_tags"] = sorted(
                (uid_of[name][o], uid_of["tags"][g]) for o, g in session.execute(select(owner, tag))
            )
        out["tombstones"] = sorted(
            (t.entity_type, str(t.entity_uid), t.last_version, t.author)
            + ((t.deleted_at,) if timestamps else ())
            for t in session.scalars(select(M.Tombstone))
        )
        out["conflicts"] = sorted(
            (
                str(c.uid),
                c.kind,
                c.entity_type,
                str(c.entity_uid),
                c.field,
                repr(c.base_value),
                repr(c.value_a),
                repr(c.value_b),
                repr({k: v for k, v in c.origin_a.items() if timestamps or k != "at"}),
                repr({k: v for k, v in c.origin_b.items() if timestamps or k != "at"}),
                c.status,
            )
            for c in session.scalars(select(M.SyncConflict))
        )
    return out


@contextlib.contextmanager
def clock_offset(hours: float) -> Iterator[None]:
    """Shift the clock every timestamp in the app comes from (db.base.utcnow)."""
    real = db_base.datetime

    class Skewed(real):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return real.now(tz) + dt.timedelta(hours=hours)

    db_base.datetime = Skewed
    try:
        yield
    finally:
        db_base.datetime = real
