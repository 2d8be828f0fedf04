"""Markdown to plain text: syntax removed, headings kept as sections, code kept as text."""

from __future__ import annotations

import re

from .builder import TextBuilder

_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?")
_QUOTE_MARKER = re.compile(r"^\s{0,3}(?:>\s?)+")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")

_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline link -> link text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference link -> link text
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolink -> URL
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"`+([^`]+?)`+"), r"\1"),  # inline code
    (re.compile(r"(\*\*\*|___)(\S(?:.*?\S)?)\1"), r"\2"),  # bold italic
    (re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])"), r"\1"),  # *italic*
    (re.compile(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)"), r"\1"),  # _italic_, not snake_case
    (re.compile(r"~~(\S(?:.*?\S)?)~~"), r"\1"),  # strikethrough
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
)


def strip_inline(line: str) -> str:
    for pattern, replacement in _INLINE_RULES:
        line = pattern.sub(replacement, line)
    return line


def _table_row(line: str) -> str:
    cells = [strip_inline(cell.strip()) for cell in line.strip().strip("|").split("|")]
    return "; ".join(cell for cell in cells if cell)


def _skip_front_matter(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, min(len(lines), 200)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def extract_markdown(source: str) -> TextBuilder:
    builder = TextBuilder()
    lines = source.splitlines()
    index = _skip_front_matter(lines)
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            builder.add_block(" ".join(paragraph))
            paragraph.clear()

    while index < len(lines):
        line = lines[index]
        index += 1
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            builder.add_block(line)
            continue
        if not line.strip():
            flush()
            builder.add_paragraph_break()
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            flush()
            builder.add_heading(strip_inline(heading.group(2)), len(heading.group(1)))
            continue
        next_line = lines[index] if index < len(lines) else ""
        setext = _SETEXT_UNDERLINE.match(next_line)
        if setext and not paragraph and not _LIST_MARKER.match(line):
            builder.add_heading(strip_inline(line.strip()), 1 if setext.group(1)[0] == "=" else 2)
            index += 1
            continue
        if _RULE.match(line) or _LINK_DEFINITION.match(line) or _TABLE_SEPARATOR.match(line):
            flush()
            continue
        if ("|" in line and _TABLE_SEPARATOR.match(next_line)) or line.lstrip().startswith("|"):
            flush()
            builder.add_block(_table_row(line))
            continue
        line = _QUOTE_MARKER.sub("", line)
        list_item = _LIST_MARKER.match(line)
        if list_item:
            flush()
            paragraph.append(strip_inline(line[list_item.end() :].strip()))
            continue
        paragraph.append(strip_inline(line.strip()))
    flush()
    return builder
