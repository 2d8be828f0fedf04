"""What summarization produces for one document."""

from __future__ import annotations

import msgspec


class KeySentence(msgspec.Struct):
    """A sentence the ranking chose, as an exact span of the input text.

    ``score`` is its centrality in the final ranking, scaled so the best sentence has 1.0.
    """

    text: str
    start: int
    end: int
    score: float


class Keyword(msgspec.Struct):
    """A keyphrase. ``score`` is in (0, 1]; higher means more relevant (it is 1 / (1 + s) of
    the YAKE statistic s, for which lower is better)."""

    term: str
    score: float


class Memories(msgspec.Struct):
    """Summaries of three lengths ("short" ~3, "medium" ~7, "long" ~15 sentences, each in
    document order), keyphrases best first, and the key sentences best first."""

    summaries: dict[str, str]
    keywords: list[Keyword]
    key_sentences: list[KeySentence]
    method: str
    language: str | None
