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
        if self._length:
            self._parts.append("\n")
            self._length += 1
        self._parts.append(block)
        self._length += len(block)

    def add_paragraph_break(self) -> None:
        """A blank line, so that sentence splitting sees a hard boundary."""
        if self._length and self._parts[-1] != "\n":
            self._parts.append("\n")
            self._length += 1

    def add_heading(self, title: str, level: int) -> None:
        title = " ".join(title.split())
        if not title:
            return
        self.add_paragraph_break()
        start = self._length + (1 if self._length else 0)
        self.add_block(title)
        self._headings.append((title, level, start))
        if self.title is None and level == 1:
            self.title = title

    def start_page(self, number: int) -> int:
        """Mark the start of a page; returns its offset (the page ends at ``end_page``)."""
        return self._length + (1 if self._length else 0)

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
