"""Ingest: turn a received document's bytes into stored text, then announce it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.ingest.ports import Extractor, Originals, TextStore
from shared.errors import PermanentError
from shared.events import DocumentIngestedV1, DocumentReceivedV1, Names
from shared.messaging.publisher import Publisher
from shared.telemetry.propagation import tag_document

log = logging.getLogger(__name__)


@dataclass
class IngestDeps:
    texts: TextStore
    originals: Originals
    publisher: Publisher
    names: Names
    extract: Extractor


class UnknownDocument(PermanentError):
    """The event names a document that does not exist (deleted, or never recorded)."""


async def ingest_document(event: DocumentReceivedV1, deps: IngestDeps) -> None:
    tag_document(event.document_id)
    status = await deps.texts.status_of(event.document_id)
    if status is None:
        raise UnknownDocument(f"document {event.document_id} is not known")
    if status in ("failed", "processed"):
        # Terminal: nothing to redo, and the processor already had this document's event, so
        # publishing it again (perhaps outside the duplicate window) could only duplicate it.
        return
    if status == "received":
        async with deps.originals.as_file(event.object_name) as path:
            text = await deps.extract(path, event.kind)
        await deps.texts.save_text(event.document_id, text)
        word_count, char_count, language = text.word_count, text.char_count, text.language
    else:
        # Done before (a redelivery after a crash between commit and publish): publish again;
        # the message id makes the repeat a no-op on the stream.
        word_count, char_count, language = 0, 0, None
    await deps.publisher.publish(
        deps.names.subject(DocumentIngestedV1, event.priority),
        DocumentIngestedV1(
            document_id=event.document_id,
            tenant=event.tenant,
            char_count=char_count,
            word_count=word_count,
            language=language,
            priority=event.priority,
        ),
        msg_id=f"ingested:{event.document_id}",
    )
