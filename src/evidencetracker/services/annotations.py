"""What is attached to a strategy besides evidence: external ratings, notes and files."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping
from typing import Any

from evidencetracker.domain import records as R
from evidencetracker.domain.errors import FieldError, ValidationError
from evidencetracker.services import crud
from evidencetracker.services import kinds as K
from evidencetracker.services.entity_service import EntityService

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


class ExternalRatingService(EntityService):
    kind = K.EXTERNAL_RATING

    def create(self, strategy_uid: Any, values: Mapping[str, Any]) -> R.ExternalRatingRecord:
        with self.ctx.write("add external rating") as session:
            strategy = crud.load(session, K.STRATEGY, strategy_uid)
            return crud.to_record(self.kind, self._create(session, values, strategy=strategy))


class NoteService(EntityService):
    kind = K.NOTE

    def create(self, strategy_uid: Any, values: Mapping[str, Any]) -> R.NoteRecord:
        with self.ctx.write("add note") as session:
            strategy = crud.load(session, K.STRATEGY, strategy_uid)
            row = self._create(session, values, strategy=strategy, author=self.ctx.author())
            return crud.to_record(self.kind, row)


class AttachmentService(EntityService):
    kind = K.ATTACHMENT

    def add(
        self,
        data: bytes,
        values: Mapping[str, Any],
        *,
        strategy_uid: Any = None,
        source_uid: Any = None,
    ) -> R.AttachmentRecord:
        """Keep a file's bytes in the database, with its name, type, size and SHA-256."""
        if (strategy_uid is None) == (source_uid is None):
            raise ValidationError(FieldError("owner", "Attach the file to a strategy or a source"))
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                FieldError("data", f"The file is larger than {MAX_ATTACHMENT_BYTES // 2**20} MB")
            )
        values = dict(values)
        if not values.get("media_type"):
            guessed = mimetypes.guess_type(str(values.get("filename") or ""))[0]
            values["media_type"] = guessed or "application/octet-stream"
        with self.ctx.write("add attachment") as session:
            links: dict[str, Any] = {
                "data": data,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            if strategy_uid is not None:
                links["strategy"] = crud.load(session, K.STRATEGY, strategy_uid)
            else:
                links["source"] = crud.load(session, K.EVIDENCE_SOURCE, source_uid)
            return crud.to_record(self.kind, self._create(session, values, **links))

    def read(self, uid: Any) -> bytes:
        """The file's bytes, checked against the checksum stored with them."""
        with self.ctx.read() as session:
            row = crud.load(session, self.kind, uid)
            data = row.data
            if hashlib.sha256(data).hexdigest() != row.sha256:
                raise ValidationError(
                    FieldError(
                        "data", f"Attachment '{row.filename}' is damaged (checksum mismatch)"
                    )
                )
            return data
