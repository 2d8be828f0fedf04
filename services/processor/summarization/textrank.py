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
_TOLERANCE = 1e-5  # on the L1 change; far below what reorders sentences
_MIN_SIMILARITY = 0.05
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
    """Weighted PageRank of the similarity graph of ``vectors`` (all pairs in one chunk).

    Edges weaker than ``_MIN_SIMILARITY`` are dropped, as LexRank does: sentences that only
    share one frequent word are not really related, and the sparser graph is much cheaper.
    """
    count = len(vectors)
    if count == 0:
        return []
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings.setdefault(term, []).append((index, weight))
    similarity: dict[int, float] = {}  # key left * count + right, cheaper than a tuple
    for entries in postings.values():
        for position, (left, left_weight) in enumerate(entries):
            row = left * count
            for right, right_weight in entries[position + 1 :]:
                key = row + right
                similarity[key] = similarity.get(key, 0.0) + left_weight * right_weight
    neighbours: list[list[tuple[int, float]]] = [[] for _ in range(count)]
    for key, weight in similarity.items():
        if weight >= _MIN_SIMILARITY:
            left, right = divmod(key, count)
            neighbours[left].append((right, weight))
            neighbours[right].append((left, weight))
    # Each source passes its rank on in proportion to edge weight: normalise once.
    transitions = []
    for edges in neighbours:
        total = sum(weight for _, weight in edges)
        transitions.append([(target, weight / total) for target, weight in edges])
    dangling_nodes = [index for index, edges in enumerate(transitions) if not edges]
    scores = [1.0 / count] * count
    for _ in range(_MAX_ITERATIONS):
        # Sentences without neighbours spread their rank evenly (the usual dangling fix).
        dangling = sum(scores[i] for i in dangling_nodes)
        base = (1 - _DAMPING) / count + _DAMPING * dangling / count
        updated = [base] * count
        for source, edges in enumerate(transitions):
            share = _DAMPING * scores[source]
            for target, fraction in edges:
                updated[target] += share * fraction
        change = sum(abs(a - b) for a, b in zip(updated, scores, strict=True))
        scores = updated
        if change < _TOLERANCE:
            break
    return scores
