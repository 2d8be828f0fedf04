"""The record kept for a message that could not be handled."""

from __future__ import annotations

from datetime import datetime

import msgspec


class DeadLetterV1(msgspec.Struct, kw_only=True, frozen=True):
    stage: str
    original_subject: str
    headers: dict[str, str]
    payload: bytes  # base64 in JSON
    stream_sequence: int
    deliveries: int
    error_type: str
    error_message: str
    trace_id: str | None
    failed_at: datetime
    document_id: str | None = None
