"""Sentence spans survive the usual traps of real text."""

from __future__ import annotations

import pytest

from services.processor.summarization import split_sentences
from services.processor.summarization.sentences import MAX_SENTENCE_CHARS


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith arrived. He sat down.", ["Dr. Smith arrived.", "He sat down."]),
        ("Fruit, e.g. apples, is healthy. Eat it.", ["Fruit, e.g. apples, is healthy.", "Eat it."]),
        (
            "The U.S. National Lab is big. He lives in the U.S. The weather is fine.",
            ["The U.S. National Lab is big.", "He lives in the U.S.", "The weather is fine."],
        ),
        ("Pi is 3.14 today. It costs 1,000.5 EUR.", ["Pi is 3.14 today.", "It costs 1,000.5 EUR."]),
        ("Wait... it works. Then... Now go.", ["Wait... it works.", "Then...", "Now go."]),
        ("Really?! Yes. Fine!", ["Really?!", "Yes.", "Fine!"]),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ('"Storage matters," said Keller.', ['"Storage matters," said Keller.']),
        ("J. R. R. Tolkien wrote it.", ["J. R. R. Tolkien wrote it."]),
        ("Prices rose in 2020. Next year too.", ["Prices rose in 2020.", "Next year too."]),
        ("Das ist z.B. gut. Wir gehen.", ["Das ist z.B. gut.", "Wir gehen."]),
        ("no final punctuation", ["no final punctuation"]),
    ],
)
def test_inline_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_headings_list_items_and_wrapped_lines() -> None:
    text = (
        "Introduction\n"
        "- first item\n"
        "- second item\n"
        "1. numbered item\n"
        "2. another one\n\n"
        "This paragraph was wrapped by an editor at a fixed width so that it\n"
        "continues on the next line. A short line\n\n"
        "Heading Without Dot\n"
        "Body text follows here."
    )
    assert sentences(text) == [
        "Introduction",
        "- first item",
        "- second item",
        "1. numbered item",
        "2. another one",
        "This paragraph was wrapped by an editor at a fixed width so that it\n"
        "continues on the next line.",
        "A short line",
        "Heading Without Dot",
        "Body text follows here.",
    ]


def test_spans_are_exact_trimmed_offsets() -> None:
    text = "  First one.   Second one.\n\n\tThird one.  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one.", "Third one."]
    assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in spans)


def test_empty_and_punctuation_only_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n\n ... --- \n") == []


def test_overlong_runs_are_cut_into_bounded_pieces() -> None:
    text = " ".join(["word"] * 2_000)  # one 10 kB "sentence" without any punctuation
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert " ".join(text[s:e] for s, e in spans) == text
