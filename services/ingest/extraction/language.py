"""The language of a document's text, by py3langid (a naive Bayes model over byte n-grams of
139 languages, shipped inside the package: nothing is downloaded at run time).

The code is ISO 639 as the model names it (mostly two letters: ``en``, ``de``, ``zh``).
Too little text, or a guess the model itself doubts, yields None rather than a wrong
language: the search configuration falls back to its default for None.
"""

from __future__ import annotations

_SAMPLE_CHARS = 10_000  # from the start and again from the middle: prefaces can mislead
_MIN_LETTERS = 20
_MIN_CONFIDENCE = 0.3
_NO_LANGUAGE = "zxx"  # the model's label for text with no linguistic content


def detect_language(text: str) -> str | None:
    """Return the language code for ``text``, or None when the evidence is too thin."""
    sample = text[:_SAMPLE_CHARS]
    if len(text) > 2 * _SAMPLE_CHARS:
        middle = len(text) // 2
        sample += "\n" + text[middle : middle + _SAMPLE_CHARS]
    if sum(1 for char in sample if char.isalpha()) < _MIN_LETTERS:
        return None
    from .language_model import IDENTIFIER  # loaded on first use

    language, confidence = IDENTIFIER.classify(sample)
    if language == _NO_LANGUAGE or confidence < _MIN_CONFIDENCE:
        return None
    return str(language)
