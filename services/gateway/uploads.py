"""Accepting an upload: spool while hashing, store the bytes, record the row, announce it."""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, Protocol

import msgspec

from services.gateway.repository import NewDocument
from shared.events import DocumentReceivedV1, Names, Priority
from shared.telemetry import metrics
from shared.telemetry.propagation import current_trace_id, tag_document
from shared.web.problems import Problem

KINDS = {
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "json": "application/json",
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class Documents(Protocol):
    async def insert(self, doc: NewDocument) -> None: ...


class Objects(Protocol):
    async def put(self, name: str, data: Any) -> object: ...


class Publisher(Protocol):
    async def publish(
        self,
        subject: str,
        event: msgspec.Struct,
        msg_id: str,
        headers: dict[str, str] | None = None,
    ) -> int: ...


@dataclass
class UploadDeps:
    documents: Documents
    objects: Objects
    publisher: Publisher
    names: Names


@dataclass(frozen=True)
class Accepted:
    id: str
    sha256: str
    size: int


def kind_of(filename: str | None) -> str:
    if not filename or not filename.strip():
        raise Problem(
            400,
            "missing-filename",
            "Missing file name",
            "The upload must name its file (multipart filename).",
        )
    kind = PurePath(filename).suffix.lower().lstrip(".")
    if kind not in KINDS:
        raise Problem(
            415,
            "unsupported-type",
            "Unsupported document type",
            f"Files of type {kind or '(none)'!r} are not accepted; accepted: {', '.join(KINDS)}.",
            detected=kind or None,
        )
    return kind


async def accept_upload(
    chunks: AsyncIterator[bytes],
    filename: str | None,
    deps: UploadDeps,
    *,
    tenant: str = "default",
    priority: Priority = "normal",
) -> Accepted:
    kind = kind_of(filename)
    assert filename is not None
    digest = hashlib.sha256()
    size = 0
    # Spooled: small uploads stay in memory, large ones go to disk as they arrive.
    with tempfile.SpooledTemporaryFile(max_size=1 << 20) as spool:
        async for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            spool.write(chunk)
        if size == 0:
            raise Problem(400, "empty-file", "Empty file", f"{filename!r} has no content.")
        spool.seek(0)
        document_id = str(uuid.uuid4())
        tag_document(document_id)
        object_name = f"{tenant}/{document_id}"
        await deps.objects.put(object_name, spool)
    sha256 = digest.hexdigest()
    await deps.documents.insert(
        NewDocument(
            id=document_id,
            tenant=tenant,
            filename=PurePath(filename).name,
            content_type=KINDS[kind],
            kind=kind,
            size=size,
            sha256=sha256,
            object_name=object_name,
            priority=priority,
            trace_id=current_trace_id(),
        )
    )
    event = DocumentReceivedV1(
        document_id=document_id,
        tenant=tenant,
        filename=PurePath(filename).name,
        content_type=KINDS[kind],
        kind=kind,
        size=size,
        sha256=sha256,
        object_name=object_name,
        received_at=datetime.now(UTC),
        priority=priority,
    )
    await deps.publisher.publish(
        deps.names.subject(DocumentReceivedV1, priority), event, msg_id=f"received:{document_id}"
    )
    metrics.upload_bytes.labels("gateway").inc(size)
    metrics.documents.labels("gateway", "accepted").inc()
    return Accepted(id=document_id, sha256=sha256, size=size)
