"""JSON syntax check without holding a large document in RAM.

JSON cannot be judged before its end, and a per-token Python tokenizer would run at a few MB/s.
So the bytes are kept (in memory up to ``SPILL_BYTES``, beyond that in a temporary file) and
parsed once at the end by msgspec into ``msgspec.Raw``: a full C-speed syntax check that builds
no Python objects. A spilled file is memory-mapped, so its pages are the page cache's, not ours.
"""

from __future__ import annotations

import mmap
import tempfile
from typing import IO

import msgspec

from services.gateway.intake.content.text import UTF8_BOM
from services.gateway.intake.refusals import InvalidContent

SPILL_BYTES = 1024 * 1024


class JsonCheck:
    def __init__(self, *, spill_bytes: int = SPILL_BYTES, spill_dir: str | None = None) -> None:
        self._spill_bytes = spill_bytes
        self._spill_dir = spill_dir
        self._memory = bytearray()
        self._file: IO[bytes] | None = None

    def feed(self, chunk: bytes) -> None:
        if self._file is not None:
            self._file.write(chunk)
            return
        self._memory += chunk
        if len(self._memory) > self._spill_bytes:
            # Page-cache writes cost microseconds per chunk; acceptable on the event loop.
            self._file = tempfile.TemporaryFile(prefix="sum-json-", dir=self._spill_dir)
            self._file.write(self._memory)
            self._memory = bytearray()

    def finish(self) -> None:
        if self._file is None:
            self._validate(memoryview(self._memory))
            return
        self._file.flush()
        with mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            view = memoryview(mapped)
            try:
                self._validate(view)
            finally:
                view.release()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._memory = bytearray()

    @staticmethod
    def _validate(document: memoryview) -> None:
        # RFC 8259 forbids a BOM but allows parsers to ignore one; editors on Windows add it.
        body = document[len(UTF8_BOM) :] if document[:3] == UTF8_BOM else document
        try:
            msgspec.json.decode(body, type=msgspec.Raw)
        except msgspec.DecodeError as exc:
            raise InvalidContent(f"not valid JSON: {exc}") from None
        except RecursionError:
            raise InvalidContent("not valid JSON: nested too deeply") from None
        finally:
            body.release()
