"""Admitting one upload into SUM, whatever door it came through (HTTP or the NATS front door).

    admission = await admit(chunks, filename="a.pdf", declared_type="application/pdf",
                            tenant="acme", priority="normal", idempotency_key=None, deps=deps)

One pass over the bytes: the ``UploadInspector`` hashes, sniffs, counts against the kind's limit,
checks the content and scans for malware while the chunks are spooled (to memory up to a small
size, then to disk; never the whole upload in memory). Only an accepted upload is stored: the
object goes to the bucket, the row is inserted, and ``DocumentReceivedV1`` is published with the
message id ``received:<id>``. A refusal raises ``UploadRejected`` with nothing stored or published.

The same bytes from the same tenant are one document: a repeat answers the existing document with
``duplicate=True``. Large uploads are looked up before their object is written; small ones are
not (one query fewer per upload). Either way the unique index on (tenant, sha256) lets exactly
one row in, and an upload that loses deletes the object it wrote.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any, Protocol, runtime_checkable

import msgspec

from services.gateway.intake import (
    Infected,
    Inspection,
    IntakePolicy,
    UploadInspector,
    UploadRejected,
)
from services.gateway.intake.scanning import Scanner
from shared.errors import PermanentError
from shared.events import DocumentReceivedV1, Names, Priority
from shared.messaging.publisher import Publisher
from shared.telemetry import metrics
from shared.telemetry.propagation import current_trace_id, tag_document

log = logging.getLogger(__name__)


class Upload(msgspec.Struct, frozen=True, kw_only=True):
    """What the gateway records of every admitted upload, whichever door it came through."""

    document_id: str
    tenant: str
    filename: str
    content_type: str
    kind: str
    size: int
    sha256: str
    priority: Priority
    scan_status: str = "unscanned"  # or "clean"; unscanned: scanner down and fail-open


class NewDocument(Upload, frozen=True, kw_only=True):
    """The row of a new document; with ``received_at`` it is also its ``DocumentReceivedV1``."""

    object_name: str
    trace_id: str | None = None
    detected_mime: str | None = None


class KnownDocument(Upload, frozen=True, kw_only=True):
    """A document the tenant already has (the answer to a repeated upload)."""

    status: str


class Admission(KnownDocument, frozen=True, kw_only=True):
    """The answer to one upload (``status`` is "received" for a new document, the existing
    document's status for a duplicate); also what an Idempotency-Key replays."""

    duplicate: bool
    replayed: bool = False  # the stored first answer to a repeated Idempotency-Key


class DuplicateDocument(PermanentError):
    """The tenant already has a document with these bytes (another upload won the race)."""


class DocumentStore(Protocol):
    async def insert(self, doc: NewDocument) -> None:
        """Raises DuplicateDocument when the tenant already has a row with this sha256."""

    async def find_by_sha256(self, tenant: str, sha256: str) -> KnownDocument | None: ...

    async def exists(self, tenant: str, document_id: str) -> bool: ...


@runtime_checkable  # routes get one by dependency injection, which checks its type
class ObjectWriter(Protocol):
    async def put(self, name: str, source: IO[bytes], *, sha256_hex: str) -> int: ...

    async def delete(self, name: str) -> None: ...


class IdempotencyStore(Protocol):
    async def recall(self, tenant: str, key: str, answer_type: type[Admission]) -> Any: ...

    async def remember(
        self, tenant: str, key: str, answer: msgspec.Struct, *, replace: bool = False
    ) -> None: ...


@dataclass
class AdmissionDeps:
    documents: DocumentStore
    objects: ObjectWriter
    publisher: Publisher
    names: Names
    policy: IntakePolicy
    scanner: Scanner | None
    idempotency: IdempotencyStore | None = None
    spool_dir: str | None = None
    # Uploads up to this size stay in memory while spooled; larger ones go to a temporary file.
    spool_memory_bytes: int = 1024 * 1024


async def admit(
    chunks: AsyncIterator[bytes],
    *,
    filename: str | None,
    declared_type: str | None,
    tenant: str,
    priority: Priority,
    idempotency_key: str | None,
    deps: AdmissionDeps,
    origin: str | None = None,
) -> Admission:
    """Inspect, store, record and announce one upload; raises UploadRejected on refusal.

    ``origin`` (the client address, or the NATS subject) only goes into the audit log line.
    """
    stale_answer = False
    if idempotency_key and deps.idempotency is not None:
        first = await deps.idempotency.recall(tenant, idempotency_key, Admission)
        if first is not None:
            if await deps.documents.exists(tenant, first.document_id):
                return msgspec.structs.replace(first, replayed=True)
            stale_answer = True  # its document was deleted since: this is a new upload
    with tempfile.SpooledTemporaryFile(
        max_size=deps.spool_memory_bytes, dir=deps.spool_dir
    ) as spool:
        try:
            inspection = await _inspect_and_spool(chunks, spool, filename, declared_type, deps)
        except UploadRejected as refusal:
            _record_refusal(refusal, filename, tenant, origin)
            raise
        admission = await _store(spool, inspection, tenant, priority, deps)
    if idempotency_key and deps.idempotency is not None:
        await deps.idempotency.remember(tenant, idempotency_key, admission, replace=stale_answer)
    return admission


async def _inspect_and_spool(
    chunks: AsyncIterator[bytes],
    spool: IO[bytes],
    filename: str | None,
    declared_type: str | None,
    deps: AdmissionDeps,
) -> Inspection:
    inspector = UploadInspector(
        filename, declared_type, deps.policy, deps.scanner, spill_dir=deps.spool_dir
    )
    async with inspector:
        async for chunk in chunks:
            await inspector.feed(chunk)
            spool.write(chunk)
        return await inspector.finish()


async def _store(
    spool: IO[bytes], inspection: Inspection, tenant: str, priority: Priority, deps: AdmissionDeps
) -> Admission:
    if inspection.size > deps.spool_memory_bytes:
        # Worth a lookup before writing the object again; a small one is cheaper to store and
        # discard on the rare repeat than to look up on every upload.
        existing = await deps.documents.find_by_sha256(tenant, inspection.sha256)
        if existing is not None:
            return Admission(**fields_for(existing, KnownDocument), duplicate=True)
    document_id = str(uuid.uuid4())
    tag_document(document_id)
    row = NewDocument(
        **fields_for(inspection, NewDocument),
        document_id=document_id,
        tenant=tenant,
        priority=priority,
        object_name=f"{tenant}/{document_id}",
        trace_id=current_trace_id(),
    )
    spool.seek(0)
    await deps.objects.put(row.object_name, spool, sha256_hex=inspection.sha256)
    try:
        await deps.documents.insert(row)
    except DuplicateDocument:
        await deps.objects.delete(row.object_name)
        winner = await deps.documents.find_by_sha256(tenant, inspection.sha256)
        if winner is None:  # the winner was deleted in between: extremely unlikely, retryable
            raise
        return Admission(**fields_for(winner, KnownDocument), duplicate=True)
    except asyncio.CancelledError:
        raise  # the row may have been committed all the same: keep the object it names
    except BaseException:
        await deps.objects.delete(row.object_name)
        raise
    await _announce(row, deps)
    return Admission(**fields_for(row, Upload), status="received", duplicate=False)


def fields_for(source: object, target: type[msgspec.Struct]) -> dict[str, Any]:
    """The fields of ``target`` that ``source`` has: how one of these structs is derived from
    another (the event from the row, the answer from either) without copying field by field."""
    return {
        name: getattr(source, name) for name in target.__struct_fields__ if hasattr(source, name)
    }


async def _announce(row: NewDocument, deps: AdmissionDeps) -> None:
    event = DocumentReceivedV1(**fields_for(row, DocumentReceivedV1), received_at=datetime.now(UTC))
    # The row is committed: if this publish fails, the gateway's reconciler re-publishes it.
    await deps.publisher.publish(
        deps.names.subject(DocumentReceivedV1, row.priority),
        event,
        msg_id=f"received:{row.document_id}",
    )
    metrics.upload_bytes.labels("gateway").inc(row.size)
    metrics.documents.labels("gateway", "accepted").inc()


def _record_refusal(
    refusal: UploadRejected, filename: str | None, tenant: str, origin: str | None
) -> None:
    metrics.documents.labels("gateway", f"rejected-{refusal.problem_type}").inc()
    if isinstance(refusal, Infected):
        # The audit line: who sent what, and what was found. Nothing of the file was kept.
        log.warning(
            "audit: infected upload refused",
            extra={
                "audit": "upload-infected",
                "tenant": tenant,
                "upload_name": filename,
                "signature": refusal.extra.get("signature"),
                "engine": refusal.extra.get("engine"),
                "origin": origin,
            },
        )
