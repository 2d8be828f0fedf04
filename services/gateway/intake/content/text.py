"""Is this text? Checked on every byte, at memory speed, without libmagic.

libmagic's text classifier costs milliseconds per call on natural-language text, so text kinds
are recognised here instead: no binary control bytes anywhere, and valid UTF-8 (or, for kinds
that allow it, legacy 8-bit text labelled windows-1252). Both checks run in C: ``bytes.translate``
to spot control bytes and the incremental UTF-8 codec, skipped for pure-ASCII chunks.
"""

from __future__ import annotations

import codecs
import re

from services.gateway.intake.refusals import BinaryContent, InvalidContent

# Control bytes that never occur in text. Kept: TAB LF VT FF CR, and ESC (ANSI colours in logs).
BINARY_CONTROLS = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x1B)) + bytes(range(0x1C, 0x20))
_BINARY_CONTROL_RE = re.compile(b"[" + re.escape(BINARY_CONTROLS) + b"]")
_UTF16_OR_32_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"
_UTF32_LE_BOM = b"\xff\xfe\x00\x00"
_BINARY_CONTROL_CHARS = dict.fromkeys(BINARY_CONTROLS)  # str.translate table: delete them


def first_binary_control(data: bytes) -> int:
    """Offset of the first binary control byte in ``data``, or -1 (fast when there is none)."""
    if len(data.translate(None, BINARY_CONTROLS)) == len(data):
        return -1
    found = _BINARY_CONTROL_RE.search(data)
    return found.start() if found else -1


class TextCheck:
    """Rejects binary bytes and invalid encodings in a stream of chunks."""

    def __init__(self, *, allow_legacy_8bit: bool) -> None:
        self.encoding = "utf-8"
        self._allow_legacy = allow_legacy_8bit
        self._decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._mid_sequence = False  # the previous chunk ended inside a multi-byte character
        self._offset = 0

    def feed(self, chunk: bytes) -> None:
        if self._offset == 0 and chunk.startswith(_UTF16_OR_32_BOMS):
            self._start_utf16(chunk)
        if self.encoding.startswith("utf-16"):
            self._feed_utf16(chunk)
            return
        control = first_binary_control(chunk)
        if control >= 0:
            offset = self._offset + control
            raise BinaryContent(
                f"binary byte 0x{chunk[control]:02x} at offset {offset}: this is not a text file",
                offset=offset,
            )
        if self.encoding == "utf-8" and (self._mid_sequence or not chunk.isascii()):
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                self._not_utf8(self._offset + exc.start)
            else:
                self._mid_sequence = bool(self._decoder.getstate()[0])
        self._offset += len(chunk)

    def _start_utf16(self, chunk: bytes) -> None:
        # Text kinds other than JSON may be UTF-16 with a byte-order mark (Windows "Unicode"
        # exports); its bytes are full of NULs, so it is checked as decoded text instead.
        if not self._allow_legacy or chunk.startswith(_UTF32_LE_BOM):
            raise InvalidContent(
                "this text is not UTF-8; save the file as UTF-8", encoding="utf-16/32"
            )
        self.encoding = "utf-16-le" if chunk.startswith(b"\xff\xfe") else "utf-16-be"
        self._decoder = codecs.getincrementaldecoder(self.encoding)("strict")

    def _feed_utf16(self, chunk: bytes) -> None:
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise InvalidContent(
                f"invalid UTF-16 at offset {self._offset + exc.start}",
                offset=self._offset + exc.start,
            ) from None
        if text and len(text.translate(_BINARY_CONTROL_CHARS)) != len(text):
            raise BinaryContent("binary characters in UTF-16 text: this is not a text file")
        self._offset += len(chunk)

    def finish(self) -> None:
        if self.encoding.startswith("utf-16"):
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise InvalidContent("UTF-16 text ends in the middle of a character") from None
            return
        if self.encoding == "utf-8" and self._mid_sequence:
            self._not_utf8(self._offset - len(self._decoder.getstate()[0]))

    def close(self) -> None:
        return None

    def _not_utf8(self, offset: int) -> None:
        if not self._allow_legacy:
            raise InvalidContent(f"invalid UTF-8 at offset {offset}", offset=offset)
        # Old exports (Excel, Windows tools) are 8-bit text: accept them, labelled with the
        # encoding they almost always use, so extraction can decode them (errors="replace").
        self.encoding = "windows-1252"
