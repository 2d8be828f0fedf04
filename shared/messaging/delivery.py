"""What a handler sees of one JetStream message: plain data, no client objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import msgspec


class _DocumentRef(msgspec.Struct):
    """The field every document event has."""

    document_id: str


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
    def document_id(self) -> str | None:
        """The document the payload names, or None when it names none (or is not JSON)."""
        try:
            return msgspec.json.decode(self.data, type=_DocumentRef).document_id
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
