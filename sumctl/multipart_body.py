"""A multipart/form-data upload body streamed from a file, with an exact Content-Length.

Hand-built rather than httpx's ``files=``: the file is read in chunks off the event loop, every
chunk is counted for the progress bar and hashed, so the client can check the server's SHA-256.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from shared.kinds import CANONICAL_MIME, KIND_BY_EXTENSION

CHUNK = 256 * 1024

# Every file suffix the gateway accepts (.md and .markdown alike), with the canonical type the
# gateway records for its kind.
CONTENT_TYPES: dict[str, str] = {
    suffix.lstrip("."): CANONICAL_MIME[kind] for suffix, kind in KIND_BY_EXTENSION.items()
}


def content_type_of(path: PurePath) -> str:
    return CONTENT_TYPES.get(path.suffix.lower().lstrip("."), "application/octet-stream")


def _quoted_filename(name: str) -> str:
    # As browsers do for form-data (WHATWG): these three cannot appear raw in a quoted string.
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class FileChanged(Exception):
    """The file shrank while it was being sent."""


@dataclass
class MultipartFile:
    """One ``file`` part; iterate ``chunks()`` once per attempt."""

    path: Path
    size: int
    on_bytes: Callable[[int], None] = lambda n: None
    boundary: str = field(default_factory=lambda: "sumctl-" + secrets.token_hex(16))
    sha256: str = ""

    def _head(self) -> bytes:
        return (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; '
            f'filename="{_quoted_filename(self.path.name)}"\r\n'
            f"Content-Type: {content_type_of(self.path)}\r\n\r\n"
        ).encode()

    def _tail(self) -> bytes:
        return f"\r\n--{self.boundary}--\r\n".encode()

    def headers(self) -> dict[str, str]:
        length = len(self._head()) + self.size + len(self._tail())
        return {
            "Content-Type": f"multipart/form-data; boundary={self.boundary}",
            "Content-Length": str(length),
        }

    async def chunks(self) -> AsyncIterator[bytes]:
        digest = hashlib.sha256()
        yield self._head()
        remaining = self.size
        with self.path.open("rb") as source:
            while remaining > 0:
                chunk = await asyncio.to_thread(source.read, min(CHUNK, remaining))
                if not chunk:
                    raise FileChanged(f"{self.path} shrank while it was being uploaded")
                remaining -= len(chunk)
                digest.update(chunk)
                self.on_bytes(len(chunk))
                yield chunk
        self.sha256 = digest.hexdigest()
        yield self._tail()
