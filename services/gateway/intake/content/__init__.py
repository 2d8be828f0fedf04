"""Streaming content checks, one per document family; each sees every chunk exactly once."""

from __future__ import annotations

from typing import Protocol


class ContentCheck(Protocol):
    def feed(self, chunk: bytes) -> None:
        """Inspect the next chunk; raise an UploadRejected subclass as soon as it is invalid."""

    def finish(self) -> None:
        """Called after the last chunk; raise when the whole is invalid (truncated, unbalanced)."""

    def close(self) -> None:
        """Release any spill file; safe to call more than once."""
