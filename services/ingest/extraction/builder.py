"""Accumulate extracted text block by block while recording headings and pages as offsets."""

from __future__ import annotations

from .model import Page, Section


class TextBuilder:
    """Collects blocks of text separated by newlines; sections end where the next one of the
    same or a higher level begins (or at the end of the text)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._headings: list[tuple[str, int, int]] = []
        self._pages: list[Page] = []
        self._break = False  # a paragraph break is due before the next block
        self.title: str | None = None
        # Set by extractors that sampled or cut their input, so the result can say so.
        self.truncated = False
        self.notes: list[str] = []

    @property
    def length(self) -> int:
        return self._length

    def add_block(self, block: str) -> None:
        """Append one block (paragraph, row, list item) on its own line; blank blocks vanish."""
        block = block.strip()
        if not block:
            return
        separator = self._separator()
        if separator:
            self._parts.append(separator)
            self._length += len(separator)
        self._break = False
        self._parts.append(block)
        self._length += len(block)

    def add_paragraph_break(self) -> None:
        """A blank line before the next block, so that sentence splitting sees a hard
        boundary; none at the very start or end of the text."""
        self._break = True

    def _separator(self) -> str:
        if not self._length:
            return ""
        return "\n\n" if self._break else "\n"

    def add_heading(self, title: str, level: int) -> None:
        title = " ".join(title.split())
        if not title:
            return
        self.add_paragraph_break()
        start = self._length + len(self._separator())
        self.add_block(title)
        self._headings.append((title, level, start))
        if self.title is None and level == 1:
            self.title = title

    def start_page(self, number: int) -> int:
        """Mark the start of a page; returns its offset (the page ends at ``end_page``)."""
        return self._length + len(self._separator())

    def end_page(self, number: int, start: int) -> None:
        self._pages.append(Page(number=number, start=min(start, self._length), end=self._length))

    def text(self) -> str:
        return "".join(self._parts)

    def sections(self) -> list[Section]:
        # One pass with a stack of open headings, so a file with many headings stays linear.
        sections: list[Section] = []
        open_indexes: list[int] = []
        for title, level, start in self._headings:
            while open_indexes and sections[open_indexes[-1]].level >= level:
                sections[open_indexes.pop()].end = start
            sections.append(Section(title=title, level=level, start=start, end=self._length))
            open_indexes.append(len(sections) - 1)
        return sections

    def pages(self) -> list[Page]:
        return list(self._pages)
