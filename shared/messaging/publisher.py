"""Publishing events to JetStream: message id for deduplication, trace context in headers."""

from __future__ import annotations

from typing import Protocol

import msgspec
from nats.js import JetStreamContext
from opentelemetry import trace

from shared.events.codec import encode
from shared.telemetry.tracing import producer_span

tracer = trace.get_tracer("sum.messaging")

MSG_ID = "Nats-Msg-Id"


class Publisher(Protocol):
    """What handlers need to announce an event; ``EventPublisher`` and test fakes fit it."""

    async def publish(
        self,
        subject: str,
        event: msgspec.Struct,
        msg_id: str,
        headers: dict[str, str] | None = None,
    ) -> int: ...


class EventPublisher:
    """Publishes events; the same ``msg_id`` within the stream's window is stored only once."""

    def __init__(self, js: JetStreamContext, timeout: float = 5.0) -> None:
        self.js = js
        self.timeout = timeout

    async def publish(
        self,
        subject: str,
        event: msgspec.Struct,
        msg_id: str,
        headers: dict[str, str] | None = None,
    ) -> int:
        return await self.publish_raw(subject, encode(event), msg_id, headers)

    async def publish_raw(
        self, subject: str, payload: bytes, msg_id: str, headers: dict[str, str] | None = None
    ) -> int:
        all_headers = {**(headers or {}), MSG_ID: msg_id}
        with producer_span(tracer, subject, msg_id, all_headers):  # adds traceparent
            ack = await self.js.publish(subject, payload, timeout=self.timeout, headers=all_headers)
            return int(ack.seq)
