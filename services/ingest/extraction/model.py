"""The result of extracting a document, and the one error extraction raises."""

from __future__ import annotations

import msgspec

from shared.errors import PermanentError


class Section(msgspec.Struct):
    """A heading and the span of text it governs (offsets into ``ExtractedText.text``)."""

    title: str
    level: int
    start: int
    end: int


class Page(msgspec.Struct):
    """One page of a paginated source (PDF), as a span of ``ExtractedText.text``."""

    number: int
    start: int
    end: int


class ExtractedText(msgspec.Struct):
    """Plain text of a document plus the structure that survived extraction."""

    text: str
    title: str | None
    sections: list[Section]
    pages: list[Page]
    language: str | None
    word_count: int
    char_count: int
    truncated: bool = False
    notes: list[str] = msgspec.field(default_factory=list)


class ExtractionError(PermanentError):
    """This document cannot be extracted; ``reason`` says why in words a user understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __reduce__(self) -> tuple[type[ExtractionError], tuple[str]]:
        # Keeps the reason intact when the error crosses a process boundary.
        return (type(self), (self.reason,))
