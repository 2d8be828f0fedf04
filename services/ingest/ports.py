"""What the ingest handlers need from the outside world; real adapters and test fakes fit these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from services.ingest.extraction import ExtractedText

# (path of the original, kind) → its text; the real one runs in an isolated worker process.
Extractor = Callable[[Path, str], Awaitable[ExtractedText]]


class TextStore(Protocol):
    async def status_of(self, document_id: str) -> str | None: ...

    async def save_text(self, document_id: str, text: ExtractedText) -> None:
        """Store the text and move the document to ``ingested`` (idempotent)."""


class Originals(Protocol):
    def as_file(self, object_name: str) -> AbstractAsyncContextManager[Path]: ...
