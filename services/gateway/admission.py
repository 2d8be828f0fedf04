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
from datetime import UTC, datetime
from typing import IO

import msgspec

from services.gateway.intake import Infected, Inspection, UploadInspector, UploadRejected
from services.gateway.ports import AdmissionDeps
from services.gateway.storage.documents import DuplicateDocument, NewDocument, StoredDocument
from shared.events import DocumentReceivedV1, Priority
from shared.telemetry import metrics
from shared.telemetry.propagation import current_trace_id, tag_document

log = logging.getLogger(__name__)

__all__ = ["Admission", "AdmissionDeps", "admit"]


class Admission(msgspec.Struct, frozen=True, kw_only=True):
    document_id: str
    tenant: str
    status: str  # "received" for a new document; the existing document's status for a duplicate
    sha256: str
    size: int
    kind: str
    filename: str
    content_type: str
    priority: Priority
    scan_status: str  # "clean" or "unscanned" (scanner down and fail-open)
    duplicate: bool
    replayed: bool = False  # the stored first answer to a repeated Idempotency-Key


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
            return _duplicate(existing, tenant)
    document_id = str(uuid.uuid4())
    tag_document(document_id)
    object_name = f"{tenant}/{document_id}"
    spool.seek(0)
    await deps.objects.put(object_name, spool, sha256_hex=inspection.sha256)
    row = _row(document_id, object_name, inspection, tenant, priority)
    try:
        await deps.documents.insert(row)
    except DuplicateDocument:
        await deps.objects.delete(object_name)
        winner = await deps.documents.find_by_sha256(tenant, inspection.sha256)
        if winner is None:  # the winner was deleted in between: extremely unlikely, retryable
            raise
        return _duplicate(winner, tenant)
    except asyncio.CancelledError:
        raise  # the row may have been committed all the same: keep the object it names
    except BaseException:
        await deps.objects.delete(object_name)
        raise
    await _announce(row, priority, deps)
    return _answer(row, tenant, status="received", duplicate=False)


def _row(
    document_id: str, object_name: str, inspection: Inspection, tenant: str, priority: Priority
) -> NewDocument:
    return NewDocument(
        id=document_id,
        tenant=tenant,
        filename=inspection.filename,
        content_type=inspection.content_type,
        kind=inspection.kind,
        size=inspection.size,
        sha256=inspection.sha256,
        object_name=object_name,
        priority=priority,
        trace_id=current_trace_id(),
        scan_status=inspection.scan_status,
        detected_mime=inspection.detected_mime,
    )


async def _announce(row: NewDocument, priority: Priority, deps: AdmissionDeps) -> None:
    event = DocumentReceivedV1(
        document_id=row.id,
        tenant=row.tenant,
        filename=row.filename,
        content_type=row.content_type,
        kind=row.kind,
        size=row.size,
        sha256=row.sha256,
        object_name=row.object_name,
        received_at=datetime.now(UTC),
        priority=priority,
    )
    # The row is committed: if this publish fails, the gateway's reconciler re-publishes it.
    await deps.publisher.publish(
        deps.names.subject(DocumentReceivedV1, priority), event, msg_id=f"received:{row.id}"
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


def _duplicate(existing: StoredDocument, tenant: str) -> Admission:
    return _answer(existing, tenant, status=existing.status, duplicate=True)


def _answer(
    doc: NewDocument | StoredDocument, tenant: str, *, status: str, duplicate: bool
) -> Admission:
    return Admission(
        document_id=doc.id,
        tenant=tenant,
        status=status,
        sha256=doc.sha256,
        size=doc.size,
        kind=doc.kind,
        filename=doc.filename,
        content_type=doc.content_type,
        priority=doc.priority,  # type: ignore[arg-type]  # a row keeps it as plain text
        scan_status=doc.scan_status,
        duplicate=duplicate,
    )
