"""Markdown to plain text with markdown-it-py (CommonMark, plus GFM tables and strikethrough).

Headings become sections, tables become ``cell; cell`` lines, code is kept as text, images
leave their alt text, raw HTML leaves its text. A parser instead of patterns gets the corner
cases right (``[x](…Foo_(bar))`` is a link whose target has parentheses) and stays linear.

Long documents are parsed in pieces cut at blank lines outside code fences, so the token list
never holds more than one piece; link definitions carry over from earlier pieces to later ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .builder import TextBuilder
from .html import html_fragment_text

_PIECE_CHARS = 256 * 1024
_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,})")
_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def extract_markdown(source: str) -> TextBuilder:
    builder = TextBuilder()
    env: dict[str, object] = {}  # markdown-it keeps link definitions here across pieces
    for piece in _pieces(_without_front_matter(source)):
        _emit(_PARSER.parse(piece, env), builder)
    return builder


def _without_front_matter(source: str) -> str:
    """YAML front matter (``---`` … ``---`` at the very top) is metadata, not text."""
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return source
    for index in range(1, min(len(lines), 200)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[index + 1 :])
    return source


def _pieces(source: str) -> Iterator[str]:
    if len(source) <= _PIECE_CHARS:
        yield source
        return
    piece: list[str] = []
    size = 0
    fence: str | None = None
    for line in source.splitlines(keepends=True):
        opener = _FENCE.match(line)
        if opener and (fence is None or opener.group(1).startswith(fence)):
            fence = opener.group(1)[:3] if fence is None else None
        if size >= _PIECE_CHARS and fence is None and not line.strip():
            yield "".join(piece)
            piece, size = [], 0
        piece.append(line)
        size += len(line)
    yield "".join(piece)


def _emit(tokens: Sequence[Token], builder: TextBuilder) -> None:
    level: int | None = None  # inside a heading of this level
    row: list[str] | None = None  # cells of the open table row
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1:])
        elif kind == "heading_close":
            level = None
        elif kind == "inline":
            text = inline_text(token.children or ())
            if row is not None:
                row.append(" ".join(text.split()))
            elif level is not None:
                builder.add_heading(text, level)
            else:
                builder.add_block(text)
        elif kind == "paragraph_close" and not token.hidden and row is None:
            builder.add_paragraph_break()
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            builder.add_block("; ".join(cell for cell in row if cell))
            row = None
        elif kind in ("fence", "code_block"):
            for line in token.content.splitlines():
                builder.add_block(line)
            builder.add_paragraph_break()
        elif kind == "html_block":
            builder.add_block(html_fragment_text(token.content))


def inline_text(children: Sequence[Token]) -> str:
    """The text of an inline run: markup dropped, code and image alt text kept."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(inline_text(child.children or ()))
    return "".join(parts)
