"""Walk a cleaned HTML tree into a TextBuilder: blocks on their own lines, headings as
sections, table rows as ``cell; cell`` lines, ``pre`` line by line, images by their alt text.

The walk keeps its own stack (no recursion), so nesting depth costs memory, not the C stack.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from .builder import TextBuilder

BLOCKS = frozenset(
    "address article aside blockquote body br caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main "
    "menu ol option p pre search section summary table tbody tfoot thead ul".split()
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_CELLS = frozenset(("td", "th"))


class TreeText:
    def __init__(self, builder: TextBuilder) -> None:
        self.builder = builder
        self._run: list[str] = []  # inline text since the last block boundary
        self._cells: list[list[str]] = []  # text of the open table cells, innermost last
        self._rows: list[list[str]] = []  # cells of the open table rows, innermost last
        self._heading: int | None = None
        self._pre = 0

    def walk(self, root: LexborNode) -> None:
        # The stack holds nodes still to visit and, as plain strings, the tags to close.
        stack: list[LexborNode | str] = [root]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            item = pop()
            if isinstance(item, str):
                self._leave(item)
                continue
            tag = item.tag or ""
            if tag == "-text":
                self._text(item.text_content or "")
            elif tag[0] not in "-_":  # not a comment or doctype
                self._enter(item, tag)
                push(tag)
                children = list(item.iter(include_text=True))
                children.reverse()
                extend(children)
        self._boundary()

    def _text(self, text: str) -> None:
        (self._cells[-1] if self._cells else self._run).append(text)

    def _enter(self, node: LexborNode, tag: str) -> None:
        if tag == "img":
            alt = (node.attributes.get("alt") or "").strip()
            if alt:
                self._text(f" {alt} ")
        elif tag == "tr":
            self._boundary()
            self._rows.append([])
        elif tag in _CELLS:
            self._cells.append([])
        elif tag in BLOCKS:
            self._boundary()
            if tag in _HEADINGS and not self._cells:
                self._heading = _HEADINGS[tag]
            elif tag == "pre":
                self._pre += 1

    def _leave(self, tag: str) -> None:
        if tag in _CELLS and self._cells:
            cell = " ".join("".join(self._cells.pop()).split())
            if self._rows:
                self._rows[-1].append(cell)
        elif tag == "tr" and self._rows:
            row = "; ".join(cell for cell in self._rows.pop() if cell)
            if self._cells:  # a table inside a cell reads as part of that cell
                self._cells[-1].append(f" {row} ")
            else:
                self.builder.add_block(row)
        elif tag in BLOCKS:
            self._boundary()
            if tag in _HEADINGS:
                self._heading = None
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag == "p":
                self.builder.add_paragraph_break()

    def _boundary(self) -> None:
        if self._cells:
            self._cells[-1].append(" ")  # blocks inside a cell: one line per cell
            return
        raw = "".join(self._run)
        self._run.clear()
        if self._heading is not None:
            self.builder.add_heading(raw, self._heading)
        elif self._pre:
            for line in raw.splitlines():
                self.builder.add_block(line.rstrip())
        else:
            self.builder.add_block(" ".join(raw.split()))
