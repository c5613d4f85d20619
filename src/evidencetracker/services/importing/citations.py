"""Citations from reference managers (RIS via rispy, BibTeX via bibtexparser 2) as evidence
sources, with duplicates found by DOI or by normalised title, year and first author.

Duplicates are reported for the person to decide: kept apart (the default) or merged, which
fills the existing source's empty fields and adds nothing new.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
import rispy
from sqlalchemy import select

from evidencetracker.db import models as M
from evidencetracker.domain import enums as E
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.importing.plan import (
    ImportReport,
    Op,
    Plan,
    Progress,
    Rejection,
    RowRejected,
    validated,
)
from evidencetracker.services.importing.reading import ImportFileError, decode
from evidencetracker.services.importing.writer import ImportCancelled, apply_plan

RIS_TYPES = {
    "JOUR": E.SourceType.PEER_REVIEWED,
    "JFULL": E.SourceType.PEER_REVIEWED,
    "CONF": E.SourceType.PEER_REVIEWED,
    "CPAPER": E.SourceType.PEER_REVIEWED,
    "RPRT": E.SourceType.EVALUATION_REPORT,
    "CASE": E.SourceType.CASE_STUDY,
    "DATA": E.SourceType.ADMINISTRATIVE_DATA,
}
BIB_TYPES = {
    "article": E.SourceType.PEER_REVIEWED,
    "inproceedings": E.SourceType.PEER_REVIEWED,
    "techreport": E.SourceType.EVALUATION_REPORT,
}


@dataclass(frozen=True)
class Duplicate:
    """An incoming citation (by its number in the file) that looks like another record."""

    entry: int
    title: str
    reason: str  # "same DOI" or "same title, year and first author"
    existing_uid: Any = None  # a source already in the database
    other_entry: int | None = None  # or an earlier entry of the same file


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", " ", text).strip()


def normalise_doi(doi: str | None) -> str:
    text = (doi or "").strip().lower()
    text = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", text)
    return text


def first_author(authors: str) -> str:
    first = re.split(r"[;]| and ", authors or "")[0]
    surname = first.split(",")[0].strip().split(" ")[0] if first.strip() else ""
    return _fold(surname)


def title_key(title: str, year: Any, authors: str) -> tuple[str, str, str]:
    return (_fold(title), str(year or ""), first_author(authors))


def _year(text: Any) -> int | None:
    match = re.search(r"\b(1[89]|20)\d{2}\b", str(text or ""))
    return int(match.group()) if match else None


def _first(entry: dict, *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            return str(value).strip()
    return ""


def _ris_type(code: str) -> E.SourceType:
    if code in RIS_TYPES:
        return RIS_TYPES[code]
    if code in ("CHAP", "BOOK", "THES"):
        return E.SourceType.PEER_REVIEWED
    return E.SourceType.EXPERT_OPINION  # web pages, magazines, anything else


def parse_ris(text: str) -> list[dict[str, Any]]:
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises IOError/ValueError/KeyError on broken files
        raise ImportFileError(f"the RIS file cannot be read: {exc}") from exc
    out = []
    for e in entries:
        authors = e.get("authors") or e.get("first_authors") or []
        notes = e.get("notes") or []
        keywords = e.get("keywords") or []
        out.append(
            {
                "source_type": _ris_type(e.get("type_of_reference", "")),
                "title": _first(e, "title", "primary_title", "secondary_title"),
                "authors": "; ".join(str(a).strip() for a in authors),
                "year": _year(_first(e, "year", "publication_year", "date")),
                "publisher": _first(e, "secondary_title", "journal_name", "publisher"),
                "doi": _first(e, "doi") or None,
                "url": _first(e, "urls", "url") or None,
                "abstract": _first(e, "abstract"),
                "notes": "\n".join(str(n) for n in notes)
                + (("\nKeywords: " + "; ".join(keywords)) if keywords else ""),
            }
        )
    return out


def parse_bibtex(text: str) -> list[dict[str, Any]]:
    library = bibtexparser.parse_string(text)
    if library.failed_blocks and not library.entries:
        raise ImportFileError(
            f"the BibTeX file cannot be read ({len(library.failed_blocks)} broken entries)"
        )
    out = []
    for e in library.entries:
        fields = {f.key.lower(): str(f.value) for f in e.fields}
        authors = [a.strip() for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
        out.append(
            {
                "source_type": BIB_TYPES.get(e.entry_type.lower(), E.SourceType.EXPERT_OPINION),
                "title": fields.get("title", "").replace("{", "").replace("}", ""),
                "authors": "; ".join(authors),
                "year": _year(fields.get("year")),
                "publisher": fields.get("journal")
                or fields.get("publisher")
                or fields.get("booktitle")
                or fields.get("institution", ""),
                "doi": fields.get("doi") or None,
                "url": fields.get("url") or None,
                "abstract": fields.get("abstract", ""),
                "notes": fields.get("note", ""),
            }
        )
    return out


def run_citations(
    ctx: ServiceContext,
    path: Path,
    *,
    merge: bool = False,
    dry_run: bool = False,
    cancel: Callable[[], bool] | None = None,
) -> Generator[Progress, None, ImportReport]:
    """Import RIS or BibTeX; duplicates are listed, kept apart or (``merge``) merged."""
    path = Path(path)
    yield Progress(0, 0, f"Reading {path.name}")
    data = path.read_bytes()
    if not data.strip():
        raise ImportFileError(f"{path.name} is empty")
    text, encoding = decode(data)
    entries = parse_bibtex(text) if path.suffix.lower() == ".bib" else parse_ris(text)
    if not entries:
        raise ImportFileError(f"{path.name} holds no citations")
    report = ImportReport(path.name, dry_run, rows=len(entries), encoding=encoding)
    with ctx.read() as session:
        by_doi, by_key = {}, {}
        for s in session.scalars(
            select(M.EvidenceSource).where(M.EvidenceSource.deleted_at.is_(None))
        ):
            if s.doi:
                by_doi.setdefault(normalise_doi(s.doi), s.uid)
            by_key.setdefault(title_key(s.title, s.year, s.authors), s.uid)
    plan = Plan()
    merges: list[tuple[Any, dict]] = []
    seen_doi: dict[str, int] = {}
    seen_key: dict[tuple, int] = {}
    for n, raw in enumerate(entries, start=1):
        try:
            values = validated(K.EVIDENCE_SOURCE, raw, {})
        except RowRejected as exc:
            report.rejected.append(Rejection(n, exc.column, exc.reason))
            continue
        doi = normalise_doi(values.get("doi"))
        key = title_key(values["title"], values.get("year"), values.get("authors", ""))
        dup = None
        if doi and doi in by_doi:
            dup = Duplicate(n, values["title"], "same DOI", existing_uid=by_doi[doi])
        elif key in by_key:
            dup = Duplicate(
                n, values["title"], "same title, year and first author", existing_uid=by_key[key]
            )
        elif doi and doi in seen_doi:
            dup = Duplicate(n, values["title"], "same DOI", other_entry=seen_doi[doi])
        elif key in seen_key:
            dup = Duplicate(
                n, values["title"], "same title, year and first author", other_entry=seen_key[key]
            )
        if dup is not None:
            report.duplicates.append(dup)
            if merge:
                if dup.existing_uid is not None:
                    merges.append((dup.existing_uid, values))
                continue
        if doi:
            seen_doi.setdefault(doi, n)
        seen_key.setdefault(key, n)
        plan.add(Op(f"entry:{n}", K.EVIDENCE_SOURCE, values, n))
    actor = ctx.author() or "import"

    def write(session: Any) -> Generator[Progress, None, None]:
        yield from apply_plan(session, plan, actor, report, cancel)
        for uid, values in merges:
            row = crud.load(session, K.EVIDENCE_SOURCE, uid)
            fill = {
                k: v
                for k, v in values.items()
                if v not in (None, "", False) and getattr(row, k) in (None, "")
            }
            if fill:
                crud.update(session, K.EVIDENCE_SOURCE, uid, row.version, fill, actor)
                report.updated["evidence source"] += 1

    try:
        if dry_run:
            session = ctx.db.sessions()
            try:
                session.begin()
                yield from write(session)
                session.flush()
            finally:
                session.rollback()
                session.close()
        else:
            with ctx.write(f"import {path.name}") as session:
                yield from write(session)
    except ImportCancelled:
        report.created.clear()
        report.updated.clear()
        report.cancelled = True
    return report
