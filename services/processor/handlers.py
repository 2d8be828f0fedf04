"""Processor: distil an ingested document's text into memories, then announce it."""

from __future__ import annotations

from dataclasses import dataclass

from services.processor.ports import Distiller, MemoryStore
from shared.errors import PermanentError
from shared.events import DocumentIngestedV1, DocumentProcessedV1, Names
from shared.messaging.publisher import Publisher
from shared.telemetry.propagation import tag_document


@dataclass
class ProcessorDeps:
    memories: MemoryStore
    publisher: Publisher
    names: Names
    distil: Distiller


class MissingText(PermanentError):
    """The document has no stored text to summarize."""


async def process_document(event: DocumentIngestedV1, deps: ProcessorDeps) -> None:
    tag_document(event.document_id)
    status = await deps.memories.status_of(event.document_id)
    if status is None:
        raise MissingText(f"document {event.document_id} is not known")
    if status == "failed":
        return
    memories = await deps.memories.memories_of(event.document_id)
    if memories is None:
        source = await deps.memories.source_of(event.document_id)
        if source is None:
            raise MissingText(f"document {event.document_id} has no extracted text")
        memories = await deps.distil(source)
        await deps.memories.save_memories(event.document_id, memories)
    await deps.publisher.publish(
        deps.names.subject(DocumentProcessedV1, event.priority),
        DocumentProcessedV1(
            document_id=event.document_id,
            tenant=event.tenant,
            summary=memories.summaries.get("short", ""),
            keywords=[k.term for k in memories.keywords],
            method=memories.method,
            priority=event.priority,
        ),
        msg_id=f"processed:{event.document_id}",
    )
