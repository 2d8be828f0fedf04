"""Reading a ZIP central directory from the tail of a stream: cheap, no decompression.

Used to recognise DOCX (a ZIP whose directory lists ``word/document.xml``) and to catch PDF+ZIP
polyglots (a PDF with a ZIP directory at its end opens as an archive in other tools).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

END_SIGNATURE = b"PK\x05\x06"
DIRECTORY_SIGNATURE = b"PK\x01\x02"
_END = struct.Struct("<4sHHHHIIH")  # end of central directory record, 22 bytes
_ENTRY = struct.Struct("<4sHHHHHHIIIHHHHHII")  # central directory file header, 46 bytes
# The end record sits within the last 22 + 65535 (longest comment) bytes of an archive.
END_SEARCH_BYTES = _END.size + 0xFFFF


class ZipEnd(NamedTuple):
    at: int  # offset of the end record in the searched bytes
    entries: int
    directory_size: int
    directory_offset: int  # as recorded: relative to the archive's first byte
    comment_length: int

    @property
    def directory_at(self) -> int:
        """Offset of the central directory in the searched bytes."""
        return self.at - self.directory_size


class ZipEntry(NamedTuple):
    name: str
    compressed_size: int
    uncompressed_size: int


def find_zip_end(data: bytes) -> ZipEnd | None:
    """The last plausible end record whose central directory is present right before it."""
    search_from = max(0, len(data) - END_SEARCH_BYTES)
    at = data.rfind(END_SIGNATURE, search_from)
    while at >= 0:
        end = _parse_end(data, at)
        if end is not None:
            return end
        at = data.rfind(END_SIGNATURE, search_from, at)
    return None


def _parse_end(data: bytes, at: int) -> ZipEnd | None:
    if at + _END.size > len(data):
        return None
    _, disk, directory_disk, disk_entries, entries, size, offset, comment = _END.unpack_from(
        data, at
    )
    if disk or directory_disk or disk_entries != entries or at + _END.size + comment > len(data):
        return None
    end = ZipEnd(at, entries, size, offset, comment)
    start = end.directory_at
    if entries and (start < 0 or data[start : start + 4] != DIRECTORY_SIGNATURE):
        return None
    return end


def read_entries(directory: bytes, expected: int) -> list[ZipEntry] | None:
    """The entries of a central directory, or None when it is malformed."""
    entries: list[ZipEntry] = []
    position = 0
    while position < len(directory):
        if position + _ENTRY.size > len(directory):
            return None
        fields = _ENTRY.unpack_from(directory, position)
        if fields[0] != DIRECTORY_SIGNATURE:
            return None
        compressed, uncompressed, name_length, extra_length, comment_length = fields[8:13]
        name_start = position + _ENTRY.size
        raw_name = directory[name_start : name_start + name_length]
        entries.append(ZipEntry(raw_name.decode("utf-8", "replace"), compressed, uncompressed))
        position = name_start + name_length + extra_length + comment_length
    if position != len(directory) or len(entries) != expected:
        return None
    return entries
