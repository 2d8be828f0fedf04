"""What a handler sees of one JetStream message: plain data, no client objects."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Delivery:
    subject: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)
    deliveries: int = 1
    stream_sequence: int = 0
    consumer: str = ""

    @property
    def msg_id(self) -> str | None:
        return self.headers.get("Nats-Msg-Id")
