"""What the processor handlers need from the outside world."""

from __future__ import annotations

from typing import Protocol

import msgspec

from services.processor.summarize import Memories


class MemoryStore(Protocol):
    async def status_of(self, document_id: str) -> str | None: ...

    async def text_of(self, document_id: str) -> str | None: ...

    async def save_memories(self, document_id: str, memories: Memories) -> None:
        """Store the memories and move the document to ``processed`` (idempotent)."""

    async def memories_of(self, document_id: str) -> Memories | None: ...


class Publisher(Protocol):
    async def publish(
        self,
        subject: str,
        event: msgspec.Struct,
        msg_id: str,
        headers: dict[str, str] | None = None,
    ) -> int: ...
