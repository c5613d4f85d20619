"""The illustrative sample: strategies, partners, outcomes and evidence to explore on first run."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from evidencetracker.db import models as M
from evidencetracker.resources import resource_path
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.container import Services
from evidencetracker.services.evidence import _link
from evidencetracker.services.evidence import _set_tags as _set_source_tags
from evidencetracker.services.strategies import _set_tags

SAMPLE_LABEL = "Illustrative sample - not real evaluation results"


def sample_path() -> Path:
    return resource_path("sample/sample.json")


def _pick(values: Mapping[str, Any], kind: crud.Kind) -> dict[str, Any]:
    names = {f.name for f in kind.fields}
    return {k: v for k, v in values.items() if k in names}


def load_sample(services: Services, path: Path | None = None) -> int:
    """Load the sample into the database in one transaction; returns the strategies added.

    Loading twice adds nothing the second time: strategies already present (by title, marked
    as sample) are skipped.
    """
    data = json.loads((path or sample_path()).read_text(encoding="utf-8"))
    author = services.ctx.author() or "EvidenceTracker sample"
    added = 0
    with services.ctx.write("load sample") as session:
        existing = set(session.scalars(select(M.Strategy.title).where(M.Strategy.is_sample)))
        orgs: dict[str, M.Organisation] = {}
        for o in data["organisations"]:
            row = session.scalar(
                select(M.Organisation).where(func.lower(M.Organisation.name) == o["name"].lower())
            )
            orgs[o["key"]] = row or crud.create(
                session, K.ORGANISATION, _pick(o, K.ORGANISATION), author
            )
        sources: dict[str, M.EvidenceSource] = {}
        for s in data["sources"]:
            if s.get("doi"):
                row = session.scalar(
                    select(M.EvidenceSource).where(M.EvidenceSource.doi == s["doi"])
                )
            else:
                row = None
            if row is None:
                row = crud.create(session, K.EVIDENCE_SOURCE, _pick(s, K.EVIDENCE_SOURCE), author)
                _set_source_tags(session, row, s.get("tags", ()))
            sources[s["key"]] = row
        for st in data["strategies"]:
            if st["title"] in existing:
                continue
            strategy = crud.create(
                session, K.STRATEGY, _pick(st, K.STRATEGY), author, is_sample=True
            )
            _set_tags(session, strategy, st.get("tags", ()))
            for p in st.get("partners", ()):
                crud.create(
                    session,
                    K.PARTNER,
                    _pick(p, K.PARTNER),
                    author,
                    strategy=strategy,
                    organisation=orgs[p["organisation"]],
                )
            for oc in st.get("outcomes", ()):
                outcome = crud.create(
                    session, K.OUTCOME, _pick(oc, K.OUTCOME), author, strategy=strategy
                )
                for ind in oc.get("indicators", ()):
                    indicator = crud.create(
                        session, K.INDICATOR, _pick(ind, K.INDICATOR), author, outcome=outcome
                    )
                    for m in ind.get("measurements", ()):
                        crud.create(
                            session,
                            K.MEASUREMENT,
                            _pick(m, K.MEASUREMENT),
                            author,
                            indicator=indicator,
                        )
                for f in oc.get("findings", ()):
                    source = sources[f["source"]]
                    _link(session, strategy, source, author)
                    crud.create(
                        session,
                        K.FINDING,
                        _pick(f, K.FINDING),
                        author,
                        source=source,
                        outcome=outcome,
                    )
            for x in st.get("external_ratings", ()):
                crud.create(
                    session,
                    K.EXTERNAL_RATING,
                    _pick(x, K.EXTERNAL_RATING),
                    author,
                    strategy=strategy,
                )
            for n in st.get("notes", ()):
                crud.create(
                    session, K.NOTE, _pick(n, K.NOTE), author, strategy=strategy, author=author
                )
            added += 1
    return added
