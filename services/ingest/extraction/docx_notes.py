"""Footnotes and endnotes of a DOCX, appended after the body as their own sections.

Each note reads ``[1] text`` (endnotes ``[i] text``), in the order the body cites them, under a
level-1 section "Footnotes" or "Endnotes". The separator lines Word keeps as pseudo-notes
(``w:type="separator"`` and the like) carry no text and are skipped.
"""

from __future__ import annotations

from .builder import TextBuilder
from .docx_body import NoteNumbers, Sink

SECTION_TITLES = {"footnote": "Footnotes", "endnote": "Endnotes"}


class NotesSink(Sink):
    def __init__(self) -> None:
        self.notes: dict[str, list[str]] = {}  # note id -> its paragraphs, in part order
        self._current: list[str] | None = None

    def note_start(self, kind: str, note_id: str, note_type: str | None) -> None:
        self._current = None if note_type else self.notes.setdefault(note_id, [])

    def note_end(self) -> None:
        self._current = None

    def block(self, text: str, level: int | None) -> None:
        text = text.strip()
        if self._current is not None and text:
            self._current.append(text)


def append_notes(
    builder: TextBuilder, kind: str, notes: dict[str, list[str]], numbers: NoteNumbers
) -> None:
    written = {note_id: paragraphs for note_id, paragraphs in notes.items() if paragraphs}
    if not written:
        return
    # Notes the body never cites still belong to the document: they follow, in part order.
    for note_id in written:
        numbers.number(kind, note_id)
    title = builder.title  # a notes section is never the document's title
    builder.add_heading(SECTION_TITLES[kind], 1)
    builder.title = title
    order = sorted(written, key=lambda note_id: numbers.number(kind, note_id))
    for note_id in order:
        first, *rest = written[note_id]
        builder.add_block(f"{numbers.mark(kind, note_id)} {first}")
        for paragraph in rest:
            builder.add_block(paragraph)
