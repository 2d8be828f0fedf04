"""Events of a document's life. Additive changes only within a version: new fields get defaults,
no field is renamed or retyped; a breaking change is a new ``...V2`` struct on a new subject.

Trace context and message ids travel in NATS headers, never in these payloads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

Priority = Literal["high", "normal", "low"]
PRIORITIES: tuple[Priority, ...] = ("high", "normal", "low")


class DocumentRef(msgspec.Struct, frozen=True):
    """The fields every document event has: enough to find the document of any of them, read
    from a payload without knowing which event it is (the rest is ignored)."""

    document_id: str
    tenant: str = "default"
    priority: str = "normal"


class DocumentReceivedV1(msgspec.Struct, kw_only=True, frozen=True):
    """The gateway stored an upload's bytes and recorded the document."""

    document_id: str
    tenant: str
    filename: str
    content_type: str
    kind: str
    size: int
    sha256: str
    object_name: str
    received_at: datetime
    priority: Priority = "normal"


class DocumentIngestedV1(msgspec.Struct, kw_only=True, frozen=True):
    """Ingest extracted and stored the document's text."""

    document_id: str
    tenant: str
    char_count: int
    word_count: int
    language: str | None = None
    priority: Priority = "normal"


class DocumentProcessedV1(msgspec.Struct, kw_only=True, frozen=True):
    """The processor stored the document's memories (summaries and keywords)."""

    document_id: str
    tenant: str
    summary: str
    keywords: list[str]
    method: str
    priority: Priority = "normal"


class DocumentFailedV1(msgspec.Struct, kw_only=True, frozen=True):
    """A stage gave up on the document; ``reason`` is meant for its owner."""

    document_id: str
    tenant: str
    stage: str
    reason: str
    priority: Priority = "normal"
