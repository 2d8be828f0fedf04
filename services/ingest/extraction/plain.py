"""Plain text: normalised newlines, nothing else touched."""

from __future__ import annotations

from .builder import TextBuilder


def extract_plain(source: str) -> TextBuilder:
    builder = TextBuilder()
    # Keep paragraphs and line structure; sentence splitting relies on them.
    normalised = source.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    builder.add_block(normalised)
    return builder
