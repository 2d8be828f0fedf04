"""What a handler sees of one JetStream message: plain data, no client objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import msgspec

from shared.events.documents import DocumentRef


@dataclass(frozen=True)
class Delivery:
    """One delivery; a document event's ``document_id`` is read from its payload on demand."""

    subject: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)
    deliveries: int = 1
    stream_sequence: int = 0
    consumer: str = ""

    @property
    def msg_id(self) -> str | None:
        return self.headers.get("Nats-Msg-Id")

    @cached_property
    def document(self) -> DocumentRef | None:
        """The document the payload names, or None when it names none (or is not JSON)."""
        try:
            return msgspec.json.decode(self.data, type=DocumentRef)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None

    @property
    def document_id(self) -> str | None:
        return self.document.document_id if self.document else None
