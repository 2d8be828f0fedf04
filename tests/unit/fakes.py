"""In-memory stand-ins for the handlers' ports: fakes, not mocks; they behave like real ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, msgspec.Struct, str]] = []
        self._ids: set[str] = set()

    async def publish(
        self,
        subject: str,
        event: msgspec.Struct,
        msg_id: str,
        headers: dict[str, str] | None = None,
    ) -> int:
        # Like JetStream's duplicate window: the same message id is stored once.
        if msg_id not in self._ids:
            self._ids.add(msg_id)
            self.sent.append((subject, event, msg_id))
        return len(self.sent)


class FakeOriginals:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.objects: dict[str, bytes] = {}

    @asynccontextmanager
    async def as_file(self, object_name: str) -> AsyncIterator[Path]:
        from shared.messaging.objects import ObjectMissing

        if object_name not in self.objects:
            raise ObjectMissing(object_name)
        path = self.tmp / object_name.replace("/", "_")
        path.write_bytes(self.objects[object_name])
        yield path


class FakeDocumentsTable:
    """The documents table with text and memories, shared by the stage fakes."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.texts: dict[str, Any] = {}
        self.memories: dict[str, Any] = {}
        self.saves = 0

    async def status_of(self, document_id: str) -> str | None:
        row = self.rows.get(document_id)
        return row["status"] if row else None

    async def save_text(self, document_id: str, text: Any) -> None:
        self.saves += 1
        self.texts[document_id] = text
        if self.rows[document_id]["status"] == "received":
            self.rows[document_id]["status"] = "ingested"

    async def source_of(self, document_id: str) -> Any:
        from services.processor.ports import SourceText

        text = self.texts.get(document_id)
        if text is None:
            return None
        return SourceText(text.text, text.language, [(s.start, s.end) for s in text.sections])

    async def memories_of(self, document_id: str) -> Any:
        return self.memories.get(document_id)

    async def save_memories(self, document_id: str, memories: Any) -> None:
        self.saves += 1
        self.memories[document_id] = memories
        self.rows[document_id]["status"] = "processed"
