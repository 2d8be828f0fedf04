"""A first extractive summarizer: sentences scored by the frequency of their content words."""

from __future__ import annotations

import re
from collections import Counter

import msgspec

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    """the and for are but not you all any can had her was one our out has him his
    how its may new now old see two way who did get let put say she too use that with have this will
    your from they been more when what were which their there would about into than them then
    these some could other also only over such after most made many must where while
    should""".split()
)
LENGTHS = {"short": 3, "medium": 7, "long": 15}


class Memories(msgspec.Struct, kw_only=True):
    summaries: dict[str, str]
    keywords: list[dict[str, float | str]]
    method: str = "frequency-v1"


def _content_words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in _WORD.findall(text)) if w not in _STOP]


def summarize(text: str) -> Memories:
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]
    freq = Counter(_content_words(text))
    top = max(freq.values(), default=1)

    def score(sentence: str) -> float:
        words = _content_words(sentence)
        return sum(freq[w] / top for w in words) / (len(words) + 1) if words else 0.0

    ranked = sorted(range(len(sentences)), key=lambda i: score(sentences[i]), reverse=True)
    summaries = {
        name: " ".join(sentences[i] for i in sorted(ranked[:count]))
        for name, count in LENGTHS.items()
    }
    keywords: list[dict[str, float | str]] = [
        {"term": w, "score": round(c / top, 4)} for w, c in freq.most_common(10)
    ]
    return Memories(summaries=summaries, keywords=keywords)
