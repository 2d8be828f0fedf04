"""HTML to plain text with the standard library parser (tolerant of broken markup).

Page chrome (navigation, headers, footers, asides) and non-content (scripts, styles,
templates) is dropped; block elements become line breaks; h1-h6 become sections.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .builder import TextBuilder

_SKIPPED = frozenset(
    "script style nav header footer aside noscript template svg math iframe object "
    "select button".split()
)
_BLOCKS = frozenset(
    "p div br li ul ol dl dt dd tr table thead tbody tfoot section article main "
    "blockquote pre hr figure figcaption caption address details summary fieldset "
    "legend label option h1 h2 h3 h4 h5 h6 title body html".split()
)
_CELLS = frozenset(("td", "th"))
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = TextBuilder()
        self.document_title: str | None = None
        self._skip_depth = 0
        self._in_title = False
        self._in_pre = 0
        self._heading_level: int | None = None
        self._buffer: list[str] = []
        self._title_parts: list[str] = []
        self._cells_in_row = 0

    def _flush(self) -> None:
        raw = "".join(self._buffer)
        self._buffer.clear()
        if self._heading_level is not None:
            self.builder.add_heading(raw, self._heading_level)
            return
        if self._in_pre:
            for line in raw.splitlines():
                self.builder.add_block(line.rstrip())
        else:
            self.builder.add_block(_SPACES.sub(" ", raw))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
            return
        if tag in _SKIPPED and tag not in _VOID:
            self._skip_depth += 1
            return
        if self._skip_depth:
            return
        if tag in _BLOCKS:
            self._flush()
            self._cells_in_row = 0
            if tag == "pre":
                self._in_pre += 1
            if tag in _HEADINGS:
                self._heading_level = _HEADINGS[tag]
        elif tag in _CELLS:
            if self._cells_in_row:
                self._buffer.append(" ; ")
            self._cells_in_row += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip_depth and tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if self._skip_depth:
            return
        if tag in _BLOCKS:
            self._flush()
            if tag in _HEADINGS:
                self._heading_level = None
            if tag == "pre":
                self._in_pre = max(0, self._in_pre - 1)
            if tag == "p":
                self.builder.add_paragraph_break()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)
        elif not self._skip_depth:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        title = _SPACES.sub(" ", "".join(self._title_parts)).strip()
        self.document_title = title or None


def extract_html(source: str) -> TextBuilder:
    collector = _TextCollector()
    collector.feed(source)
    collector.close()
    builder = collector.builder
    if collector.document_title:
        builder.title = collector.document_title
    return builder
