"""All services over one open database: what the composition root hands to the UI and CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evidencetracker.db.engine import Database
from evidencetracker.db.migrate import open_database
from evidencetracker.services.annotations import (
    AttachmentService,
    ExternalRatingService,
    NoteService,
)
from evidencetracker.services.backups import BackupService
from evidencetracker.services.briefs import BriefService
from evidencetracker.services.comparison import ComparisonService
from evidencetracker.services.context import ServiceContext
from evidencetracker.services.evidence import EvidenceSourceService, FindingService
from evidencetracker.services.gapmap import GapMapService
from evidencetracker.services.history import HistoryService
from evidencetracker.services.integrity import IntegrityService
from evidencetracker.services.outcomes import IndicatorService, MeasurementService, OutcomeService
from evidencetracker.services.partners import OrganisationService, PartnerService
from evidencetracker.services.ratings import RatingService, recompute_touched
from evidencetracker.services.search import SearchService
from evidencetracker.services.strategies import StrategyService
from evidencetracker.services.sync.bundles import BundleService
from evidencetracker.services.sync.conflicts import ConflictService
from evidencetracker.services.sync.service import SyncService


class Services:
    """The way in: one attribute per aggregate, all sharing one ServiceContext."""

    def __init__(self, db: Database, author: Callable[[], str] | str = ""):
        self.db = db
        self.ctx = ServiceContext(db, author if callable(author) else (lambda: author))
        self.strategies = StrategyService(self.ctx)
        self.organisations = OrganisationService(self.ctx)
        self.partners = PartnerService(self.ctx)
        self.outcomes = OutcomeService(self.ctx)
        self.indicators = IndicatorService(self.ctx)
        self.measurements = MeasurementService(self.ctx)
        self.sources = EvidenceSourceService(self.ctx)
        self.findings = FindingService(self.ctx)
        self.external_ratings = ExternalRatingService(self.ctx)
        self.notes = NoteService(self.ctx)
        self.attachments = AttachmentService(self.ctx)
        self.history = HistoryService(self.ctx)
        self.ratings = RatingService(self.ctx)
        self.search = SearchService(self.ctx)
        self.comparisons = ComparisonService(self.ctx)
        self.gapmap = GapMapService(self.ctx)
        self.briefs = BriefService(self.ctx)
        self.sync = SyncService(self.ctx)
        self.conflicts = ConflictService(self.ctx)
        self.sync_bundles = BundleService(self.ctx)
        # Backups exist for SQLite files only; a team server is backed up by its operators.
        self.backups = BackupService(db) if db.path is not None else None
        self.integrity = IntegrityService(self.ctx, self.backups) if self.backups else None
        self.ctx.before_commit.append(recompute_touched)

    @classmethod
    def open(cls, target: str | Path, author: Callable[[], str] | str = "", **kw) -> Services:
        """Open (create or upgrade) the database at a path or URL and build the services."""
        return cls(open_database(target, **kw), author)

    def close(self) -> None:
        self.db.dispose()
