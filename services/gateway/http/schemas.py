"""The gateway's HTTP answers (msgspec Structs, also the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

Status = Literal["received", "ingested", "processed", "failed"]
ScanStatus = Literal["clean", "unscanned"]


class Links(msgspec.Struct):
    self: str
    text: str | None = None
    events: str | None = None


def links(document_id: str) -> Links:
    base = f"/v1/documents/{document_id}"
    return Links(self=base, text=f"{base}/text", events=f"{base}/events")


class Keyword(msgspec.Struct):
    term: str
    score: float


class UploadAccepted(msgspec.Struct):
    id: str
    status: Status
    sha256: str
    size: int
    kind: str
    filename: str
    priority: Literal["high", "normal", "low"]
    scan_status: ScanStatus
    duplicate: bool
    links: Links


class DocumentView(msgspec.Struct, omit_defaults=True):
    id: str
    status: Status
    filename: str
    content_type: str
    kind: str
    size: int
    sha256: str
    priority: str
    scan_status: ScanStatus
    created_at: datetime
    updated_at: datetime
    links: Links
    failure_reason: str | None = None
    failed_stage: str | None = None
    trace_id: str | None = None
    summary: str | None = None
    summaries: dict[str, str] | None = None
    keywords: list[Keyword] | None = None
    summary_method: str | None = None


class DocumentPage(msgspec.Struct):
    items: list[DocumentView]
    # Pass as ?cursor= for the next (older) page; null on the last page.
    next_cursor: str | None


class DocumentText(msgspec.Struct, omit_defaults=True):
    id: str
    text: str
    char_count: int
    word_count: int
    title: str | None = None
    language: str | None = None


class StatusChange(msgspec.Struct, omit_defaults=True):
    id: str
    status: Status
    terminal: bool
    failure_reason: str | None = None
    failed_stage: str | None = None


class StatusEvent(msgspec.Struct):
    """One Server-Sent Event: ``status`` with a JSON StatusChange as data, or ``deleted``."""

    event: Literal["status", "deleted"]
    data: str


class ProblemDetails(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details; some problems add fields (limit, detected, signature, …)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


class SearchHit(msgspec.Struct):
    id: str
    filename: str
    kind: str
    status: str
    created_at: datetime
    rank: float
    snippet: str
    title: str | None = None
    summary: str | None = None


class SearchResults(msgspec.Struct):
    query: str
    results: list[SearchHit]
    next_cursor: str | None = None
