"""Shareable PDF briefs: gather the records, apply the privacy rules, call the pure reports.

Every brief passes its strategies through ``domain.privacy.redact_detail`` with the person's
``Disclosure`` before any report code sees them, so what is left out of one brief is left out
of all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencetracker.domain.errors import FieldError, StorageError, ValidationError
from evidencetracker.domain.privacy import Disclosure, RedactedDetail, redact_detail
from evidencetracker.reports.options import BriefOptions
from evidencetracker.services.comparison import ComparisonService
from evidencetracker.services.context import ServiceContext, storage_message
from evidencetracker.services.gapmap import GapMapService
from evidencetracker.services.strategies import StrategyQuery, StrategyService


@dataclass(frozen=True)
class BatchProgress:
    """One step of a batch export, as the progress dialog and the CLI report it.

    ``status`` is "written", "skipped" (a confidential strategy, not included), "failed" or
    "cancelled" (the last item, when the person pressed Cancel).
    """

    done: int
    total: int
    uid: Any
    title: str
    status: str
    path: Path | None = None
    message: str = ""


def file_name(title: str, uid: Any) -> str:
    """A safe, recognisable file name: the title's words and the start of the ID."""
    words = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-_").lower()
    return f"{words[:60].strip('-') or 'strategy'}-{str(uid)[:8]}.pdf"


def write_pdf(path: Path, data: bytes) -> Path:
    """Write a PDF atomically; translate OS failures into a message naming the file."""
    try:
        from evidencetracker.reports.document import save

        return save(path, data)
    except OSError as exc:
        reason = storage_message(exc) or exc.strerror or str(exc)
        reason = reason.replace("The database file", "The folder").replace(
            "The disk is full: nothing was saved.", "The disk is full."
        )
        raise StorageError(
            f"Could not write the brief to {path}: {reason} "
            "Nothing was written; a file already there is unchanged."
        ) from exc


class BriefService:
    """Strategy, comparison and portfolio briefs, one at a time or in a batch."""

    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx
        self.strategies = StrategyService(ctx)
        self.comparisons = ComparisonService(ctx)
        self.gapmap = GapMapService(ctx)

    # -- strategy briefs ---------------------------------------------------------------------
    def redacted(self, uid: Any, disclosure: Disclosure) -> RedactedDetail:
        """A strategy as the disclosure allows it to be shared.

        Raises:
            NotFoundError: no such strategy.
            ValidationError: the strategy is confidential and confidential content was not
                included (field ``include_confidential``).
        """
        detail = self.strategies.detail(uid)
        rd = redact_detail(detail, disclosure)
        if rd is None:
            raise ValidationError(
                FieldError(
                    "include_confidential",
                    f"'{detail.strategy.title}' is confidential: include confidential content "
                    "to export it (every page will then be marked CONFIDENTIAL)",
                )
            )
        return rd

    def render_strategy(
        self, uid: Any, options: BriefOptions | None = None, disclosure: Disclosure | None = None
    ) -> bytes:
        """The PDF bytes of a strategy brief (for a preview before saving)."""
        rd = self.redacted(uid, disclosure or Disclosure())
        from evidencetracker.reports import strategy_brief

        return strategy_brief.render_strategy_brief(rd, options or BriefOptions())

    def strategy_brief(
        self,
        uid: Any,
        path: Path,
        options: BriefOptions | None = None,
        disclosure: Disclosure | None = None,
    ) -> Path:
        """Write the brief of one strategy to ``path`` (temporary name, then rename).

        Raises:
            NotFoundError, ValidationError: as ``redacted``.
            StorageError: the file could not be written; nothing was left behind.
        """
        return write_pdf(Path(path), self.render_strategy(uid, options, disclosure))

    def export_batch(
        self,
        uids: Sequence[Any],
        folder: Path,
        options: BriefOptions | None = None,
        disclosure: Disclosure | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Iterator[BatchProgress]:
        """Write one brief per strategy into ``folder``, yielding progress after each.

        Checks ``cancelled`` before each strategy and again before writing, so a cancelled
        strategy leaves no file; briefs already written are kept. A strategy that fails is
        reported and the batch goes on.

        Raises:
            StorageError: ``folder`` cannot be created.
        """
        from evidencetracker.reports import strategy_brief

        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Could not create the folder {folder}: {exc.strerror}") from exc
        options = options or BriefOptions()
        disclosure = disclosure or Disclosure()
        total = len(uids)
        for done, uid in enumerate(uids, start=1):
            if cancelled():
                yield BatchProgress(done - 1, total, uid, "", "cancelled", message="Cancelled")
                return
            title = ""
            try:
                rd = self.redacted(uid, disclosure)
                title = rd.detail.strategy.title
                data = strategy_brief.render_strategy_brief(rd, options)
                if cancelled():
                    yield BatchProgress(done - 1, total, uid, title, "cancelled", None, "Cancelled")
                    return
                path = write_pdf(folder / file_name(title, rd.detail.strategy.uid), data)
            except ValidationError as exc:
                yield BatchProgress(done, total, uid, title, "skipped", None, str(exc))
            except Exception as exc:  # one bad strategy must not stop the other briefs
                yield BatchProgress(done, total, uid, title, "failed", None, str(exc))
            else:
                yield BatchProgress(done, total, uid, title, "written", path)

    # -- comparison briefs -------------------------------------------------------------------
    def render_comparison(
        self,
        uids: Sequence[Any],
        options: BriefOptions | None = None,
        disclosure: Disclosure | None = None,
    ) -> bytes:
        """The PDF bytes of a comparison brief of 2 to 6 strategies.

        Raises:
            ValidationError: not 2 to 6 strategies, or a confidential one not included.
            NotFoundError: an ID names no strategy.
        """
        from evidencetracker.reports import comparison_brief

        disclosure = disclosure or Disclosure()
        comparison = self.comparisons.compare(uids)
        details = [self.redacted(s.uid, disclosure) for s in comparison.strategies]
        return comparison_brief.render_comparison_brief(
            comparison, details, options or BriefOptions()
        )

    def comparison_brief(
        self,
        uids: Sequence[Any],
        path: Path,
        options: BriefOptions | None = None,
        disclosure: Disclosure | None = None,
    ) -> Path:
        """Write a comparison brief to ``path``; errors as ``render_comparison`` and
        StorageError."""
        return write_pdf(Path(path), self.render_comparison(uids, options, disclosure))

    # -- portfolio briefs --------------------------------------------------------------------
    def render_portfolio(
        self,
        query: StrategyQuery | None = None,
        options: BriefOptions | None = None,
        disclosure: Disclosure | None = None,
        layout: str = "partnership_type",
        filter_text: str = "",
    ) -> bytes:
        """The PDF bytes of a portfolio brief: the gap map, then every matching strategy.

        Confidential strategies are left out (of the list and of the gap map) unless included.
        """
        from evidencetracker.reports import portfolio_brief

        disclosure = disclosure or Disclosure()
        base = query or StrategyQuery()
        listed = self.strategies.list(
            StrategyQuery(**{**base.__dict__, "sort": "rating", "offset": 0, "limit": None})
        )
        entries = []
        for summary in listed:
            rd = redact_detail(self.strategies.detail(summary.uid), disclosure)
            if rd is not None:
                entries.append(portfolio_brief.PortfolioEntry.from_redacted(rd))
        gap = None
        if entries:
            visible = StrategyQuery(uids=tuple(e.uid for e in entries))
            gap = self.gapmap.matrix(visible, layout, disclosure.include_confidential)
        confidential = any(e.contains_confidential for e in entries)
        return portfolio_brief.render_portfolio_brief(
            entries,
            gap,
            options or BriefOptions(),
            filter_text=filter_text,
            marking=disclosure.marking if confidential else None,
        )

    def portfolio_brief(
        self,
        path: Path,
        query: StrategyQuery | None = None,
        options: BriefOptions | None = None,
        disclosure: Disclosure | None = None,
        layout: str = "partnership_type",
        filter_text: str = "",
    ) -> Path:
        """Write a portfolio brief to ``path``; StorageError when it cannot be written."""
        data = self.render_portfolio(query, options, disclosure, layout, filter_text)
        return write_pdf(Path(path), data)
