"""Fixtures for the brief tests: the sample database, PDF text helpers, hostile data."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.container import Services
from evidencetracker.services.evidence import _link
from evidencetracker.services.sample import load_sample


def reader(pdf: bytes | Path) -> PdfReader:
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    return PdfReader(io.BytesIO(data))


def page_texts(pdf: bytes | Path) -> list[str]:
    """Each page's text with runs of whitespace made single spaces."""
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in reader(pdf).pages]


def text_of(pdf: bytes | Path) -> str:
    return " ".join(page_texts(pdf))


def outline_titles(pdf: bytes | Path) -> list[str]:
    titles: list[str] = []

    def walk(items) -> None:  # noqa: ANN001
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader(pdf).outline)
    return titles


@pytest.fixture(scope="module")
def sample_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """One database with the illustrative sample, shared by the read-only tests of a module."""
    svc = Services.open(tmp_path_factory.mktemp("sample") / "sample.sqlite", author="Tester")
    load_sample(svc)
    yield svc
    svc.close()


def by_title(services: Services, prefix: str):  # noqa: ANN201
    return next(s for s in services.strategies.list() if s.title.startswith(prefix))


@pytest.fixture(scope="module")
def big_strategy(sample_services: Services):  # noqa: ANN201
    """A strategy with 200 evidence sources, written in one transaction to stay fast."""
    svc = sample_services
    with svc.ctx.write("big strategy") as session:
        strategy = crud.create(
            session,
            K.STRATEGY,
            {
                "title": "Strategy with 200 sources",
                "partnership_type": "ngo_coalition",
                "focus": ["prevention"],
            },
            "Tester",
        )
        outcome = crud.create(
            session,
            K.OUTCOME,
            {"title": "Awareness raised", "level": "output", "focus": "prevention"},
            "Tester",
            strategy=strategy,
        )
        for i in range(200):
            source = crud.create(
                session,
                K.EVIDENCE_SOURCE,
                {
                    "source_type": "evaluation_report",
                    "title": f"Evaluation number {i} of the awareness campaign in district {i}",
                    "authors": f"Author{i}, Ana; Second, Bo",
                    "year": 2000 + i % 24,
                    "design": "quasi_experimental",
                    "sample_size": 100 + i,
                },
                "Tester",
            )
            _link(session, strategy, source, "Tester")
            crud.create(
                session,
                K.FINDING,
                {"direction": "favourable", "significant": i % 2 == 0},
                "Tester",
                source=source,
                outcome=outcome,
            )
        uid = strategy.uid
    return uid
