"""Text extraction for the first supported kinds (txt, md)."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec

from shared.errors import PermanentError


class ExtractedText(msgspec.Struct, kw_only=True):
    text: str
    title: str | None = None
    language: str | None = None
    word_count: int = 0
    char_count: int = 0


class ExtractionError(PermanentError):
    """The document's content cannot be turned into text."""


_MD_SYNTAX = re.compile(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|>\s?|\d+[.)]\s+)", re.MULTILINE)


def decode_text(data: bytes) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def extract_file(path: Path, kind: str) -> ExtractedText:
    if kind not in ("txt", "md"):
        raise ExtractionError(f"no extractor for {kind!r} documents")
    text = decode_text(path.read_bytes())
    if kind == "md":
        text = _MD_SYNTAX.sub("", text).replace("**", "").replace("`", "")
    text = text.strip()
    if not text:
        raise ExtractionError("document contains no text")
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    return ExtractedText(text=text, title=title, word_count=len(text.split()), char_count=len(text))
