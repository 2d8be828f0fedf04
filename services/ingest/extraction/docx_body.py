"""One WordprocessingML part (the body, the footnotes, the endnotes) as a stream of blocks.

Paragraphs become blocks (headings with their level), table rows become ``cell; cell``
blocks. Of each ``mc:AlternateContent`` only one branch is read: the first ``mc:Choice``, or
the ``mc:Fallback`` when there is no choice. Word writes every text box twice (as DrawingML in
the choice, as VML in the fallback), and reading both would double it. Note references in the
text become ``[1]`` (footnotes) and ``[i]`` (endnotes), numbered in the order they are cited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
HEADING_NAME = re.compile(r"^(?:heading|überschrift|titre|título|titolo|kop)\s*(\d)$", re.I)
_REFERENCES = {f"{W}footnoteReference": "footnote", f"{W}endnoteReference": "endnote"}
_NOTES = {f"{W}footnote": "footnote", f"{W}endnote": "endnote"}


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def roman(number: int) -> str:
    """Lower-case Roman numerals: Word's default numbering of endnotes."""
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


class NoteNumbers:
    """Numbers for notes in the order of their first reference, per kind of note."""

    def __init__(self) -> None:
        self.numbers: dict[str, dict[str, int]] = {"footnote": {}, "endnote": {}}

    def number(self, kind: str, note_id: str) -> int:
        numbers = self.numbers[kind]
        return numbers.setdefault(note_id, len(numbers) + 1)

    def mark(self, kind: str, note_id: str) -> str:
        number = self.number(kind, note_id)
        return f"[{number}]" if kind == "footnote" else f"[{roman(number)}]"


class Sink:
    """Receives the blocks of a part; notes parts also say where each note starts and ends."""

    def block(self, text: str, level: int | None) -> None:
        raise NotImplementedError

    def note_start(self, kind: str, note_id: str, note_type: str | None) -> None:
        return None

    def note_end(self) -> None:
        return None


class PartReader:
    def __init__(self, headings: dict[str, int], notes: NoteNumbers) -> None:
        self._headings = headings
        self._notes = notes

    def read(self, events: Iterable[tuple[str, Element]], sink: Sink) -> None:
        self._rows: list[list[str]] = []  # open table rows, innermost last (tables nest)
        self._cells: list[list[str]] = []  # paragraphs of the open cells, innermost last
        self._chosen: list[bool] = []  # per open AlternateContent: was a branch taken?
        skipping = 0  # depth inside a branch that is not read
        for event, element in events:
            if skipping:
                skipping += 1 if event == "start" else -1
                if not skipping:
                    element.clear()
            elif event == "start":
                skipping = 1 if self._start(element, sink) else 0
            else:
                self._end(element, sink)

    def _start(self, element: Element, sink: Sink) -> bool:
        """Handle an opening tag; True when its whole subtree is to be skipped."""
        tag = element.tag
        if tag == f"{_MC}AlternateContent":
            self._chosen.append(False)
        elif tag in (f"{_MC}Choice", f"{_MC}Fallback") and self._chosen:
            if self._chosen[-1]:
                return True
            self._chosen[-1] = True
        elif tag == f"{W}tr":
            self._rows.append([])
        elif tag == f"{W}tc":
            self._cells.append([])
        elif tag in _NOTES:
            note_id, note_type = element.get(f"{W}id") or "", element.get(f"{W}type")
            sink.note_start(_NOTES[tag], note_id, note_type)
        return False

    def _end(self, element: Element, sink: Sink) -> None:
        tag = element.tag
        if tag == f"{W}p":
            text = self._paragraph_text(element)
            if self._cells:
                self._cells[-1].append(" ".join(text.split()))
            else:
                sink.block(text, self._level(element))
            element.clear()  # keeps memory flat on long documents
        elif tag == f"{W}tc" and self._cells:
            cell = " ".join(part for part in self._cells.pop() if part)
            if self._rows:
                self._rows[-1].append(cell)
        elif tag == f"{W}tr" and self._rows:
            row = "; ".join(cell for cell in self._rows.pop() if cell)
            if self._cells:
                self._cells[-1].append(row)
            else:
                sink.block(row, None)
        elif tag == f"{_MC}AlternateContent" and self._chosen:
            self._chosen.pop()
        elif tag in _NOTES:
            sink.note_end()
            element.clear()

    def _paragraph_text(self, paragraph: Element) -> str:
        parts: list[str] = []
        for node in paragraph.iter():
            tag = node.tag
            if tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag in _REFERENCES:
                parts.append(self._notes.mark(_REFERENCES[tag], node.get(f"{W}id") or ""))
        return "".join(parts)

    def _level(self, paragraph: Element) -> int | None:
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else None
        if style_id is None:
            return None
        if style_id in self._headings:
            return self._headings[style_id]
        match = HEADING_NAME.match(style_id)
        return int(match.group(1)) if match else None
