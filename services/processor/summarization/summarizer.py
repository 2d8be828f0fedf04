"""Extractive summaries by hierarchical TextRank.

Sentences are ranked within chunks of at most ``CHUNK_SENTENCES`` (packed along the given
sections), the best ``KEEP_PER_CHUNK`` of each chunk go up a level, and the rounds repeat
until one chunk is left, whose ranking is final. Every round shrinks the candidates several
times over, so time and memory grow linearly with the text instead of with its square.
"""

from __future__ import annotations

from collections.abc import Sequence

from .keywords import keywords_from_sentences
from .model import KeySentence, Memories
from .sentences import split_sentences
from .stopwords import guess_language, stop_words_for
from .textrank import Vector, content_terms, cosine, pagerank_scores, tfidf_vectors

METHOD = "textrank-tfidf-hierarchical-v1"
LENGTHS = {"short": 3, "medium": 7, "long": 15}
CHUNK_SENTENCES = 100
KEEP_PER_CHUNK = 20
_REDUNDANT_SIMILARITY = 0.75
_MIN_WORDS, _MAX_WORDS = 4, 80
_LANGUAGE_SAMPLE = 200


def summarize(
    text: str,
    *,
    language: str | None = None,
    sections: list[tuple[int, int]] | None = None,
) -> Memories:
    """Summaries (short/medium/long), keyphrases and key sentences of ``text``.

    ``sections`` are (start, end) offsets of the document's sections; chunks are packed
    along them so that a section is ranked among its own sentences first.
    """
    spans = split_sentences(text)
    sentences = [text[start:end] for start, end in spans]
    if language is None:
        sample = " ".join(sentences[:_LANGUAGE_SAMPLE]).lower().split()
        language = guess_language(sample)
    stop_words = stop_words_for(language)
    terms = [content_terms(sentence, stop_words) for sentence in sentences]
    vectors = tfidf_vectors(terms)
    ranking = _rank(spans, terms, vectors, sections or [])
    chosen = _select(ranking, vectors, max(LENGTHS.values()))
    best = ranking[0][1] if ranking else 1.0
    key_sentences = [
        KeySentence(text=sentences[i], start=spans[i][0], end=spans[i][1], score=round(s / best, 6))
        for i, s in chosen
    ]
    summaries = {
        name: " ".join(" ".join(sentences[i].split()) for i in sorted(i for i, _ in chosen[:count]))
        for name, count in LENGTHS.items()
    }
    return Memories(
        summaries=summaries,
        keywords=keywords_from_sentences(sentences, stop_words),
        key_sentences=key_sentences,
        method=METHOD,
        language=language,
    )


def _eligible(terms: Sequence[list[str]], sentences: Sequence[tuple[int, int]]) -> list[int]:
    """Sentences fit for a summary: not fragments or headings, not table dumps. Falls back to
    every sentence when too few qualify."""
    eligible = [i for i, words in enumerate(terms) if _MIN_WORDS <= len(words) <= _MAX_WORDS]
    if len(eligible) < min(len(sentences), max(LENGTHS.values())):
        return [i for i, words in enumerate(terms) if words] or list(range(len(sentences)))
    return eligible


def _chunks(
    candidates: list[int], spans: Sequence[tuple[int, int]], cuts: list[int]
) -> list[list[int]]:
    """Consecutive chunks of at most CHUNK_SENTENCES, preferring to end at section starts."""
    chunks: list[list[int]] = []
    current: list[int] = []
    cut_index = 0
    for index in candidates:
        start = spans[index][0]
        crossed = False
        while cut_index < len(cuts) and cuts[cut_index] <= start:
            cut_index += 1
            crossed = True
        if current and (
            len(current) >= CHUNK_SENTENCES or (crossed and len(current) >= KEEP_PER_CHUNK)
        ):
            chunks.append(current)
            current = []
        current.append(index)
    if current:
        chunks.append(current)
    return chunks


def _rank(
    spans: Sequence[tuple[int, int]],
    terms: Sequence[list[str]],
    vectors: Sequence[Vector],
    sections: list[tuple[int, int]],
) -> list[tuple[int, float]]:
    """(sentence index, score) best first."""
    candidates = _eligible(terms, spans)
    cuts = sorted({start for start, _ in sections})
    while len(candidates) > CHUNK_SENTENCES:
        survivors: list[int] = []
        for chunk in _chunks(candidates, spans, cuts):
            scores = pagerank_scores([vectors[i] for i in chunk])
            ranked = sorted(zip(chunk, scores, strict=True), key=lambda item: -item[1])
            survivors.extend(i for i, _ in ranked[:KEEP_PER_CHUNK])
        survivors.sort()
        if len(survivors) >= len(candidates):
            cuts = []  # sections too small to shrink anything: pack chunks full instead
        candidates = survivors
    scores = pagerank_scores([vectors[i] for i in candidates])
    return sorted(zip(candidates, scores, strict=True), key=lambda item: (-item[1], item[0]))


def _select(
    ranking: list[tuple[int, float]], vectors: Sequence[Vector], count: int
) -> list[tuple[int, float]]:
    """The best ``count`` sentences, best first, passing over near-duplicates of ones already
    chosen; if that leaves too few (a very repetitive text), the skipped ones fill up."""
    chosen: list[tuple[int, float]] = []
    skipped: list[tuple[int, float]] = []
    for index, score in ranking:
        if len(chosen) >= count:
            break
        if all(cosine(vectors[index], vectors[j]) < _REDUNDANT_SIMILARITY for j, _ in chosen):
            chosen.append((index, score))
        else:
            skipped.append((index, score))
    chosen.extend(skipped[: count - len(chosen)])
    return chosen
