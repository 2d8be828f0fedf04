"""What the processor handlers need from the outside world."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from services.processor.summarization import Memories


@dataclass(frozen=True)
class SourceText:
    text: str
    language: str | None = None
    sections: list[tuple[int, int]] = field(default_factory=list)


class MemoryStore(Protocol):
    async def status_of(self, document_id: str) -> str | None: ...

    async def source_of(self, document_id: str) -> SourceText | None: ...

    async def save_memories(self, document_id: str, memories: Memories) -> None:
        """Store the memories and move the document to ``processed`` (idempotent)."""

    async def memories_of(self, document_id: str) -> Memories | None: ...


# Turns source text into memories; the real one runs the CPU-bound ranking off the event loop.
Distiller = Callable[[SourceText], Awaitable[Memories]]
