"""Word counting: a word is a whitespace-separated token with a letter or a digit in it."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from services.ingest.extraction.words import count_words

_HAS_WORD_CHARACTER = re.compile(r"\w")


@given(st.text(alphabet=st.sampled_from(" \t\n\u00a0\u2003-_.,a1Ж中😀"), max_size=40))
def test_count_is_the_number_of_tokens_with_a_letter_or_digit(text: str) -> None:
    expected = sum(1 for token in text.split() if _HAS_WORD_CHARACTER.search(token))
    assert count_words(text) == expected


def test_punctuation_alone_is_no_word() -> None:
    assert count_words("-- a -- b2 ... «c» 1.5 —") == 4
