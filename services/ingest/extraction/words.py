"""Counting words: whitespace-separated tokens that contain a letter or a digit."""

from __future__ import annotations

import re

# A match may start only where a token starts (the look-behind), and the possessive prefix
# never gives back what it skipped: a long token without a letter ("-----") is read once,
# not once per character, so counting stays linear in the length of the text.
_WORD_START = re.compile(r"(?<!\S)[^\s\w]*+\w")


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD_START.finditer(text))
