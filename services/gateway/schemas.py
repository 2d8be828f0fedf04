"""The gateway's HTTP answers (msgspec Structs, also the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime

import msgspec


class Links(msgspec.Struct):
    self: str
    text: str | None = None


class Keyword(msgspec.Struct):
    term: str
    score: float


class UploadAccepted(msgspec.Struct):
    id: str
    status: str
    sha256: str
    size: int
    duplicate: bool
    links: Links


class DocumentView(msgspec.Struct, omit_defaults=True):
    id: str
    status: str
    filename: str
    content_type: str
    kind: str
    size: int
    sha256: str
    priority: str
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
