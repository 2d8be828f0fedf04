"""Sentence segmentation into character spans of the original text.

Rules, in order: a blank line always ends a sentence; a single line break ends one unless
the lines look hard-wrapped (a long line running on, or a next line starting in lower case);
list items and heading-like lines stand alone. Inside a line, ``.``, ``!``, ``?`` and
ellipses end a sentence when followed by space and a plausible sentence start, except after
known abbreviations (Dr., e.g., z.B.), initials, dotted acronyms before a capitalised noun
(U.S. National), and list numbers ("1. "). Decimals such as 3.14 or 1,000.5 never match
because a terminator must be followed by whitespace. Overlong spans are cut so that one
"sentence" (a table dump, say) cannot dominate the cost of later steps.
"""

from __future__ import annotations

import re

MAX_SENTENCE_CHARS = 1_000

_NEVER_FINAL = frozenset(
    "mr mrs ms dr prof sr jr st vs e.g i.e cf fig figs no nos nr vol pp p ch art sec eq "
    "approx ca z.b bzw usw d.h u.a evtl ggf vgl s mme mlle m p.ex cf sra sr dra av".split()
)
_MAYBE_FINAL = frozenset(
    "etc inc ltd co corp llc jan feb mar apr jun jul aug sep sept oct nov dec al".split()
)
# Words that, capitalised after a dotted acronym, show that a new sentence began.
_SENTENCE_STARTERS = frozenset(
    "the a an this that these those it he she we they i in on at but and so its his her "
    "our their there then however der die das es er sie wir le la les il elle nous el los "
    "las ella".split()
)
_CLOSERS = "\"'\u201d\u2019\u00bb)]"  # closing quotes and brackets after a terminator
_OPENERS = "\"'\u201c\u2018\u00ab(["
_TERMINATOR = re.compile(r"(?:\.{2,}|…|[.!?])+[" + re.escape(_CLOSERS) + r"]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([\w.]+?)\.?$")
_LIST_MARKER = re.compile(r"\s*(?:[-*+•▪‣◦]|\d{1,3}[.)]|[a-zA-Z][.)])\s")
_NEXT_WORD = re.compile(r"[\s" + re.escape(_OPENERS) + r"]*(\S+)")
_LINE = re.compile(r"[^\n]*\n?")
_HAS_WORD = re.compile(r"\w")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``, in order, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        for start, end in _split_block(text, block_start, block_end):
            spans.extend(_trimmed_pieces(text, start, end))
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """Runs of lines that may form one sentence, split where a line break is a boundary."""
    blocks: list[tuple[int, int]] = []
    block_start = 0
    previous: str | None = None
    position = 0
    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        if previous is not None and _breaks_between(previous, line):
            blocks.append((block_start, position))
            block_start = position
        stripped = line.strip()
        previous = stripped if stripped else None
        if not stripped:
            blocks.append((block_start, match.end()))
            block_start = match.end()
        position = match.end()
    blocks.append((block_start, len(text)))
    return [(s, e) for s, e in blocks if e > s]


def _breaks_between(previous: str, line: str) -> bool:
    following = line.strip()
    if not following or _LIST_MARKER.match(line) or _LIST_MARKER.match(previous + " "):
        return True
    if previous[-1] in ".!?:…" + _CLOSERS:
        return True  # the terminator rules decide; a break here is a boundary anyway
    if previous[-1] in ",;-(" or following[0].islower():
        return len(previous) < 25 and previous[-1] not in ",;-("
    # An unpunctuated line running into a capitalised one: wrapped prose if it is long.
    return len(previous) < 60


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for match in _TERMINATOR.finditer(text, start, end):
        if _is_boundary(text, match, start, end):
            pieces.append((piece_start, match.end()))
            piece_start = match.end()
    pieces.append((piece_start, end))
    return pieces


def _is_boundary(text: str, match: re.Match[str], block_start: int, block_end: int) -> bool:
    following = _NEXT_WORD.match(text, match.end(), block_end)
    if following is None:
        return True  # end of the block
    next_word = following.group(1)
    starts_lower = next_word[0].islower()
    marks = match.group().rstrip(_CLOSERS)
    if marks[-1] in "!?":
        return not starts_lower
    if len(marks) > 1 or marks == "…":  # ellipsis: a pause unless a new sentence starts
        return next_word[0].isupper()
    head = text[max(block_start, match.start() - 40) : match.start()]
    word_match = _WORD_BEFORE.search(head)
    word = word_match.group(1).lower() if word_match else ""
    if starts_lower or word in _NEVER_FINAL:
        return False
    if word.isdigit() and not head[: len(head) - len(word)].strip():
        return False  # "1. First item" at the start of a block
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "J. Smith"
    if "." in word or word in _MAYBE_FINAL:
        return next_word.lower().strip(_OPENERS) in _SENTENCE_STARTERS
    return True


def _trimmed_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or not _HAS_WORD.search(text, start, end):
        return []
    if end - start <= MAX_SENTENCE_CHARS:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind("\n", start, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        pieces.extend(_trimmed_pieces(text, start, cut))
        start = cut
    pieces.extend(_trimmed_pieces(text, start, end))
    return pieces
