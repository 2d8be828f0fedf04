"""Extractive summaries, key sentences and keyphrases of a document's text."""

from .keywords import extract_keywords
from .model import KeySentence, Keyword, Memories
from .sentences import split_sentences
from .summarizer import LENGTHS, METHOD, summarize

__all__ = [
    "LENGTHS",
    "METHOD",
    "KeySentence",
    "Keyword",
    "Memories",
    "extract_keywords",
    "split_sentences",
    "summarize",
]
