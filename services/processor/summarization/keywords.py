"""Keyphrases with the YAKE statistics (Campos et al., 2020), written out here.

Every word gets a weight from five local features: casing (capitalised or acronym uses),
position (how early it first matters), normalised frequency, relatedness (a word seen next
to many different words is a function-like word), and spread over sentences. A phrase of
one to three words that neither starts nor ends with a stop word is scored
prod(w) / (tf * (1 + sum(w))); lower is better in YAKE. Near-duplicate phrases are dropped.
Very long texts are read through an evenly spread sample of sentences, so the cost stays
bounded while every part of the document still has its say.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher

from .model import Keyword
from .sentences import split_sentences
from .stopwords import guess_language, stop_words_for

_TOKEN = re.compile(r"[^\W_]+(?:[-'\u2019][^\W_]+)*", re.UNICODE)  # keeps "state-of-the-art"
_MAX_NGRAM = 3
_SAMPLE_SENTENCES = 10_000
_DUPLICATE_RATIO = 0.8


def extract_keywords(text: str, *, language: str | None = None, top: int = 15) -> list[Keyword]:
    """The ``top`` keyphrases of ``text``, best first (see ``Keyword`` for the score)."""
    sentences = [text[start:end] for start, end in split_sentences(text)]
    if language is None:
        language = guess_language(" ".join(sentences[:200]).lower().split())
    return keywords_from_sentences(sentences, stop_words_for(language), top=top)


def _sample(sentences: Sequence[str]) -> Sequence[str]:
    if len(sentences) <= _SAMPLE_SENTENCES:
        return sentences
    stride = len(sentences) / _SAMPLE_SENTENCES
    return [sentences[int(i * stride)] for i in range(_SAMPLE_SENTENCES)]


def _tokenise(sentence: str) -> list[list[str]]:
    """Runs of words not separated by punctuation (a phrase never crosses a comma)."""
    runs: list[list[str]] = [[]]
    previous_end = 0
    for match in _TOKEN.finditer(sentence):
        if sentence[previous_end : match.start()].strip():
            runs.append([])
        runs[-1].append(match.group())
        previous_end = match.end()
    return [run for run in runs if run]


class _WordStats:
    __slots__ = ("acronym", "capitalised", "count", "forms", "left", "right", "sentences")

    def __init__(self) -> None:
        self.count = 0
        self.capitalised = 0
        self.acronym = 0
        self.sentences: list[int] = []
        self.left: Counter[str] = Counter()
        self.right: Counter[str] = Counter()
        self.forms: Counter[str] = Counter()  # spellings other than all-lower-case


def keywords_from_sentences(
    sentences: Sequence[str], stop_words: frozenset[str], *, top: int = 15
) -> list[Keyword]:
    sentences = _sample(sentences)
    words: dict[str, _WordStats] = defaultdict(_WordStats)
    phrases: Counter[tuple[str, ...]] = Counter()
    for sentence_index, sentence in enumerate(sentences):
        for run_number, run in enumerate(_tokenise(sentence)):
            lowered = [token.lower() for token in run]
            for position, (token, word) in enumerate(zip(run, lowered, strict=True)):
                stats = words[word]
                stats.count += 1
                stats.sentences.append(sentence_index)
                if token != word:
                    stats.forms[token] += 1
                    if token.isupper() and len(token) > 1:
                        stats.acronym += 1
                    elif position or run_number:  # capitalised, and not as a sentence opener
                        stats.capitalised += 1
                if position:
                    stats.left[lowered[position - 1]] += 1
                    words[lowered[position - 1]].right[word] += 1
            _count_phrases(lowered, stop_words, phrases)
    weights = _word_weights(words, stop_words, len(sentences))
    scored = []
    for gram, count in phrases.items():
        parts = [weights[w] for w in gram if w in weights]
        if parts:
            score = math.prod(parts) / (count * (1 + sum(parts)))
            scored.append((score, gram))
    scored.sort()
    return _distinct(scored, words, top)


def _count_phrases(
    lowered: list[str], stop_words: frozenset[str], phrases: Counter[tuple[str, ...]]
) -> None:
    """Count the 1..3-grams of a run that start and end on a content word."""
    can_bound = [
        word not in stop_words and len(word) > 2 and not word.isdigit() for word in lowered
    ]
    length = len(lowered)
    for first in range(length):
        if not can_bound[first]:
            continue
        for last in range(first, min(first + _MAX_NGRAM, length)):
            if can_bound[last]:
                phrases[tuple(lowered[first : last + 1])] += 1


def _surface(gram: tuple[str, ...], words: dict[str, _WordStats]) -> str:
    """Names and acronyms keep their case ("Maria Keller", "NREL"); other words are lower."""
    shown = []
    for word in gram:
        stats = words[word]
        if stats.forms and 2 * (stats.capitalised + stats.acronym) >= stats.count:
            shown.append(stats.forms.most_common(1)[0][0])
        else:
            shown.append(word)
    return " ".join(shown)


def _word_weights(
    words: dict[str, _WordStats], stop_words: frozenset[str], sentence_count: int
) -> dict[str, float]:
    content = [s.count for w, s in words.items() if w not in stop_words] or [1]
    mean = statistics.fmean(content)
    spread = statistics.pstdev(content) if len(content) > 1 else 0.0
    max_count = max(content)
    weights: dict[str, float] = {}
    for word, stats in words.items():
        if word in stop_words:
            continue
        casing = max(stats.capitalised, stats.acronym) / (1 + math.log(stats.count))
        position = math.log(math.log(3 + statistics.median(stats.sentences)))
        frequency = stats.count / (mean + spread)
        left = len(stats.left) / max(sum(stats.left.values()), 1)
        right = len(stats.right) / max(sum(stats.right.values()), 1)
        relatedness = 1 + (left + right) * stats.count / max_count
        spread_over = len(set(stats.sentences)) / max(sentence_count, 1)
        weights[word] = (relatedness * position) / (
            casing + frequency / relatedness + spread_over / relatedness
        )
    return weights


def _distinct(
    scored: list[tuple[float, tuple[str, ...]]], words: dict[str, _WordStats], top: int
) -> list[Keyword]:
    chosen: list[Keyword] = []
    taken: list[tuple[str, frozenset[str]]] = []
    for score, gram in scored:
        if len(chosen) >= top:
            break
        phrase = " ".join(gram)
        if any(_similar(phrase, gram, other) for other in taken):
            continue
        chosen.append(Keyword(term=_surface(gram, words), score=round(1 / (1 + score), 6)))
        taken.append((phrase, frozenset(gram)))
    return chosen


def _similar(phrase: str, gram: tuple[str, ...], other: tuple[str, frozenset[str]]) -> bool:
    """Spelling variants ("solar panel"/"solar panels") or overlapping phrases sharing two
    words ("national renewable energy"/"renewable energy laboratory")."""
    other_phrase, other_words = other
    if len(other_words.intersection(gram)) >= 2:
        return True
    if len(other_words) != len(set(gram)):
        return False  # "solar" and "solar power" are different keyphrases
    return SequenceMatcher(None, phrase, other_phrase).ratio() > _DUPLICATE_RATIO
