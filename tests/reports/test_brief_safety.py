"""Hostile text, small person counts, empty sections and failed writes in briefs."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from evidencetracker import atomic
from evidencetracker.domain.errors import StorageError
from evidencetracker.reports.options import BriefOptions
from evidencetracker.services.container import Services
from tests.reports.conftest import page_texts, reader, text_of

FIXED = BriefOptions(generated=date(2024, 5, 1), invariant=True)
HOSTILE = [
    '<img src="/etc/passwd"/>',
    '<font color="[[[">',
    '<a href="javascript:x">click</a>',
    "R&D &amp; AT&T",
    "a<b",
    "\"double\" and 'single' quotes",
    "Cyrillic Ж д я",
    "Greek αβγ Ω",
    "Zoë Łódź Škoda",
]
LONG = " ".join(f"word{i:04d}" for i in range(1100))[:10_000]


def _squash(text: str) -> str:  # words broken over lines come back together
    return re.sub(r"\s+", "", text)


@pytest.fixture
def hostile(services: Services):  # noqa: ANN201
    s = services.strategies.create(
        {
            "title": "Hostile <b>title</b> & Ж " + '<img src="/etc/passwd"/>',
            "summary": "\n".join(HOSTILE) + "\nemoji 😀 end",
            "description": LONG,
            "partnership_type": "multi_sector",
            "focus": ["protection"],
        }
    )
    services.partners.create(
        s.uid,
        {"role": "lead"},
        new_organisation={"name": '<font color="[[[">Org & Co', "org_type": "ngo"},
    )
    o = services.outcomes.create(
        s.uid, {"title": "a<b outcome & more", "level": "output", "focus": "protection"}
    )
    src = services.sources.create(
        {
            "source_type": "case_study",
            "title": '<a href="javascript:x">Study</a>',
            "authors": "Щербаков, Ж; O'Brien, Q",
            "year": 2020,
            "design": "case_study",
        },
        strategy_uid=s.uid,
    )
    services.findings.create(src.uid, o.uid, {"direction": "favourable", "significant": True})
    return s.uid


def test_hostile_text_prints_literally_and_pulls_in_nothing(services, hostile):
    pdf = services.briefs.render_strategy(hostile, FIXED)
    text = text_of(pdf)
    for value in HOSTILE:
        assert value in text, value
    assert 'Hostile <b>title</b> & Ж <img src="/etc/passwd"/>' in text
    assert '<font color="[[[">Org & Co' in text
    assert "a<b outcome & more" in text
    assert '<a href="javascript:x">Study</a>' in text
    assert "Щербаков et al. (2020)" in text
    # DejaVu Sans has no emoji glyphs: the emoji is drawn as an empty box, and the text around
    # it survives (docs/briefs.md).
    assert "emoji" in text and "end" in text
    # The 10,000-character field runs over pages (footers interleave): every word, in order.
    assert re.findall(r"word\d{4}", text) == re.findall(r"word\d{4}", LONG)
    doc = reader(pdf)
    for page in doc.pages:
        assert "/Annots" not in page  # no live link from <a href>
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            assert ref.get_object().get("/Subtype") != "/Image"  # no <img> pulled in
    assert "■" not in text  # no missing-glyph squares for Cyrillic, Greek or Latin Extended


def test_small_person_counts_print_as_fewer_than_k(services: Services):
    s = services.strategies.create(
        {"title": "Small counts", "partnership_type": "ngo_coalition", "focus": ["protection"]}
    )
    o = services.outcomes.create(
        s.uid, {"title": "Survivors supported", "level": "output", "focus": "protection"}
    )
    ind = services.indicators.create(
        o.uid,
        {
            "name": "Survivors referred",
            "person_count": True,
            "baseline_value": 4,
            "target_value": 300,
            "direction": "increase",
        },
    )
    services.measurements.create(ind.uid, {"period": "2021", "value": 250})
    services.measurements.create(ind.uid, {"period": "2022", "value": 7})
    pages = page_texts(services.briefs.render_strategy(s.uid, FIXED))
    text = " ".join(pages)
    row = re.search(r"I1 Survivors referred \[O1\] (.*?) I1\. Survivors referred", text).group(1)
    assert row.startswith("fewer than 11 300 fewer than 11 (2022)")
    assert "7 (2022)" not in text and " 4 " not in row
    assert "not shown (small count)" in row
    assert "Counts of fewer than 11 persons are not plotted." in text


def test_small_cell_k_is_the_persons_choice(services: Services):
    s = services.strategies.create(
        {"title": "K", "partnership_type": "ngo_coalition", "focus": ["protection"]}
    )
    o = services.outcomes.create(s.uid, {"title": "X", "level": "output", "focus": "protection"})
    ind = services.indicators.create(o.uid, {"name": "People", "person_count": True})
    services.measurements.create(ind.uid, {"period": "2022", "value": 15})
    from evidencetracker.domain.privacy import Disclosure

    text = text_of(services.briefs.render_strategy(s.uid, FIXED, Disclosure(small_cell_k=20)))
    assert "fewer than 20 (2022)" in text and "15 (2022)" not in text


def test_empty_sections_say_none_recorded_and_long_titles_wrap(services: Services):
    title = "A very long strategy title that keeps going " * 6
    s = services.strategies.create(
        {"title": title.strip(), "partnership_type": "other", "focus": ["partnership"]}
    )
    text = text_of(services.briefs.render_strategy(s.uid, FIXED))
    assert text.count("None recorded") == 8
    assert _squash(title) in _squash(text)
    assert "Not rated" in text


def _good_file(base: Path) -> tuple[Path, bytes]:
    folder = base / "out"
    folder.mkdir()
    target = folder / "brief.pdf"
    target.write_bytes(b"%PDF-1.4 the good old brief")
    return target, target.read_bytes()


def test_a_write_that_fails_midway_keeps_the_old_file(services, hostile, tmp_path, monkeypatch):
    target, old = _good_file(tmp_path)
    folder = target.parent
    real_fdopen = os.fdopen

    class FillsUp:
        def __init__(self, handle):  # noqa: ANN001
            self.handle = handle

        def __enter__(self):  # noqa: ANN204
            return self

        def __exit__(self, *exc):  # noqa: ANN002, ANN204
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(self.handle, name)

    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: FillsUp(real_fdopen(fd, mode)))
    with pytest.raises(StorageError) as caught:
        services.briefs.strategy_brief(hostile, target, FIXED)
    assert "disk is full" in str(caught.value) and str(target) in str(caught.value)
    assert target.read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == ["brief.pdf"]


def test_a_read_only_folder_fails_cleanly(services, hostile, tmp_path, monkeypatch):
    target, old = _good_file(tmp_path)
    folder = target.parent
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            # Running as root ignores the mode bits: refuse the temporary file as the OS would.
            def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                raise PermissionError(13, "Permission denied")

            monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
        with pytest.raises(StorageError) as caught:
            services.briefs.strategy_brief(hostile, target, FIXED)
    finally:
        folder.chmod(0o755)
    assert "read-only or no permission" in str(caught.value)
    assert target.read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == ["brief.pdf"]
