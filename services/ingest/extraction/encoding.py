"""Turn bytes of unknown encoding into text without ever raising.

Order of belief: a byte-order mark, then strict UTF-8, then BOM-less UTF-16 recognised by
its NUL pattern, then cp1252 (a superset of latin-1 for printable text) with replacement.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """Guess the encoding from the first bytes; returns (codec name, BOM length to skip)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    sample = head[:4096]
    if len(sample) >= 4:
        # ASCII-heavy UTF-16 text without a BOM has a NUL in every other byte.
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
            return "utf-16-le", 0
        if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
            return "utf-16-be", 0
    if _looks_like_utf8(sample):
        return "utf-8", 0
    return "cp1252", 0


def _looks_like_utf8(sample: bytes) -> bool:
    """UTF-8 unless invalid sequences are common: legacy text rarely forms valid multi-byte
    sequences, while real UTF-8 with a few corrupt bytes still has many of them."""
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad == 0:
        return True
    multibyte = sum(1 for char in text if char > "\x7f") - bad
    return bad * 10 <= multibyte


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a whole buffer; returns (text, codec used). Invalid bytes become U+FFFD."""
    name, skip = sniff_encoding(data[:4096])
    body = data[skip:]
    if name == "utf-8":
        try:
            return body.decode("utf-8"), name
        except UnicodeDecodeError:
            # Mostly UTF-8 with a few bad bytes: replacing keeps the good text intact;
            # mostly not UTF-8: it is a legacy single-byte encoding.
            text = body.decode("utf-8", errors="replace")
            if _looks_like_utf8(body):
                return text, "utf-8"
            name = "cp1252"
    return body.decode(name, errors="replace"), name


def read_text(path: Path, limit: int) -> tuple[str, str]:
    """Read at most ``limit`` bytes of ``path`` and decode them."""
    with path.open("rb") as handle:
        data = handle.read(limit)
    return decode_bytes(data)


def open_text_stream(path: Path) -> io.TextIOWrapper:
    """A text stream over ``path`` in its sniffed encoding, with replacement for bad bytes.

    Newlines are passed through untranslated, as the csv module requires.
    """
    handle = path.open("rb")
    name, skip = sniff_encoding(handle.read(4096))
    handle.seek(skip)
    return io.TextIOWrapper(handle, encoding=name, errors="replace", newline="")
