"""DOCX = a ZIP archive, exactly (nothing before or after), whose directory has a Word body."""

from __future__ import annotations

from services.gateway.intake.content.tail import TailWindow
from services.gateway.intake.content.zipdir import find_zip_end, read_entries
from services.gateway.intake.refusals import InvalidContent, UnsupportedType

# The directory of a large DOCX (hundreds of images) is tens of KiB; 1 MiB leaves ample room.
TAIL_BYTES = 1024 * 1024
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
# Expanding beyond this is not a document but a decompression bomb aimed at the extractor.
MAX_UNCOMPRESSED_BYTES = 1_000_000_000
_ZIP64_MARKER = 0xFFFFFFFF


class DocxCheck:
    def __init__(self, *, max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES) -> None:
        self._tail = TailWindow(TAIL_BYTES)
        self._max_uncompressed = max_uncompressed_bytes

    def feed(self, chunk: bytes) -> None:
        self._tail.push(chunk)

    def finish(self) -> None:
        tail_offset, tail = self._tail.tail()
        end = find_zip_end(tail)
        if end is None:
            raise InvalidContent("not a valid DOCX: the ZIP central directory is missing")
        if end.at + 22 + end.comment_length != len(tail):
            raise InvalidContent("not a valid DOCX: data follows the end of the ZIP archive")
        if end.directory_offset == _ZIP64_MARKER or end.directory_at < 0:
            raise InvalidContent("not a valid DOCX: the ZIP central directory is too large")
        if tail_offset + end.directory_at != end.directory_offset:
            raise InvalidContent("not a valid DOCX: data precedes the ZIP archive")
        entries = read_entries(tail[end.directory_at : end.at], end.entries)
        if entries is None:
            raise InvalidContent("not a valid DOCX: the ZIP central directory is malformed")
        names = {entry.name for entry in entries}
        if "word/document.xml" not in names:
            raise UnsupportedType(
                "the file is a ZIP archive without a Word document body, not a DOCX",
                detected="application/zip",
            )
        missing = [part for part in REQUIRED_PARTS if part not in names]
        if missing:
            raise InvalidContent(f"not a valid DOCX: missing {', '.join(missing)}")
        expanded = sum(entry.uncompressed_size for entry in entries)
        if expanded > self._max_uncompressed:
            raise InvalidContent(
                f"the DOCX expands to {expanded} bytes (more than {self._max_uncompressed})"
            )

    def close(self) -> None:
        return None
