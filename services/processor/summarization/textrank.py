"""TextRank over TF-IDF sentence vectors (PageRank on a cosine-similarity graph).

Vectors use log-scaled term frequency and document-wide inverse sentence frequency, so
words that appear in every sentence do not tie everything together. The graph is built only
for one chunk at a time (see ``summarizer``); with an inverted index it costs the number of
sentence pairs that actually share a term.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_DAMPING = 0.85
_TOLERANCE = 1e-6
_MAX_ITERATIONS = 100

Vector = dict[str, float]


def content_terms(sentence: str, stop_words: frozenset[str]) -> list[str]:
    """Lower-cased words minus stop words, with a light plural fold (panels -> panel)."""
    terms = []
    for match in _WORD.finditer(sentence):
        word = match.group().lower()
        if word in stop_words:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        terms.append(word)
    return terms


def tfidf_vectors(term_lists: Sequence[list[str]]) -> list[Vector]:
    """Unit-length TF-IDF vectors; the IDF is computed over ``term_lists`` as one document."""
    document_frequency: Counter[str] = Counter()
    for terms in term_lists:
        document_frequency.update(set(terms))
    total = len(term_lists)
    vectors: list[Vector] = []
    for terms in term_lists:
        vector = {
            term: (1 + math.log(count)) * math.log(1 + total / document_frequency[term])
            for term, count in Counter(terms).items()
        }
        norm = math.sqrt(sum(weight * weight for weight in vector.values()))
        vectors.append({t: w / norm for t, w in vector.items()} if norm else {})
    return vectors


def cosine(left: Vector, right: Vector) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(weight * right.get(term, 0.0) for term, weight in left.items())


def pagerank_scores(vectors: Sequence[Vector]) -> list[float]:
    """Weighted PageRank of the similarity graph of ``vectors`` (all pairs in one chunk)."""
    count = len(vectors)
    if count == 0:
        return []
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings.setdefault(term, []).append((index, weight))
    edges: list[dict[int, float]] = [{} for _ in range(count)]
    for entries in postings.values():
        for position, (left, left_weight) in enumerate(entries):
            for right, right_weight in entries[position + 1 :]:
                product = left_weight * right_weight
                edges[left][right] = edges[left].get(right, 0.0) + product
                edges[right][left] = edges[right].get(left, 0.0) + product
    out_weight = [sum(neighbours.values()) for neighbours in edges]
    scores = [1.0 / count] * count
    for _ in range(_MAX_ITERATIONS):
        # Sentences without neighbours spread their rank evenly (the usual dangling fix).
        dangling = sum(scores[i] for i in range(count) if out_weight[i] == 0.0)
        base = (1 - _DAMPING) / count + _DAMPING * dangling / count
        updated = [base] * count
        for source, neighbours in enumerate(edges):
            if out_weight[source] == 0.0:
                continue
            share = _DAMPING * scores[source] / out_weight[source]
            for target, weight in neighbours.items():
                updated[target] += share * weight
        change = sum(abs(a - b) for a, b in zip(updated, scores, strict=True))
        scores = updated
        if change < _TOLERANCE:
            break
    return scores
