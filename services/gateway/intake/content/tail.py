"""The last N bytes of a stream, kept as references to the chunks (no copying per chunk)."""

from __future__ import annotations

from collections import deque


class TailWindow:
    def __init__(self, size: int) -> None:
        self.size = size
        self.total = 0  # bytes seen so far
        self._chunks: deque[bytes] = deque()
        self._held = 0

    def push(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        self._held += len(chunk)
        self.total += len(chunk)
        while self._held - len(self._chunks[0]) >= self.size:
            self._held -= len(self._chunks.popleft())

    def tail(self) -> tuple[int, bytes]:
        """(offset of the tail within the stream, the tail's bytes)."""
        data = b"".join(self._chunks)[-self.size :]
        return self.total - len(data), data
