"""Summaries come from the document, in document order, at the requested lengths."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from services.processor.summarization import LENGTHS, Memories, summarize
from services.processor.summarization.summarizer import CHUNK_SENTENCES

SOLAR = (Path(__file__).resolve().parents[2] / "data" / "files" / "solar.txt").read_text()


def _sentences_of(summary: str) -> list[str]:
    return [part.strip() for part in summary.replace(". ", ".\n").splitlines() if part.strip()]


@pytest.fixture(scope="module")
def solar() -> Memories:
    return summarize(SOLAR)


def test_key_sentences_are_exact_spans_best_first(solar: Memories) -> None:
    assert len(solar.key_sentences) == LENGTHS["long"]
    for sentence in solar.key_sentences:
        assert SOLAR[sentence.start : sentence.end] == sentence.text
    scores = [sentence.score for sentence in solar.key_sentences]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0


def test_summaries_have_the_requested_lengths_in_document_order(solar: Memories) -> None:
    flat = " ".join(SOLAR.split())
    for name, count in LENGTHS.items():
        summary = solar.summaries[name]
        chosen = [s for s in solar.key_sentences[:count]]
        expected = " ".join(" ".join(s.text.split()) for s in sorted(chosen, key=lambda s: s.start))
        assert summary == expected
        positions = [flat.index(" ".join(s.text.split())) for s in chosen]
        assert len(positions) == count
    assert len(solar.summaries["short"]) < len(solar.summaries["medium"])
    assert len(solar.summaries["medium"]) < len(solar.summaries["long"])


def test_summary_skips_headings_and_prefers_central_sentences(solar: Memories) -> None:
    assert "Solar Power in Cities" not in solar.summaries["long"]
    short = solar.summaries["short"].lower()
    assert short.count("solar") >= 2  # the topic that ties the text together


def test_metadata(solar: Memories) -> None:
    assert solar.language == "en"
    assert solar.method.startswith("textrank")
    assert any(keyword.term == "solar" for keyword in solar.keywords)


@pytest.mark.parametrize("text", ["", "   ", "One sentence only.", "First one. Second one."])
def test_short_texts_give_what_there_is(text: str) -> None:
    memories = summarize(text)
    expected = " ".join(text.split())
    assert memories.summaries == {name: expected for name in LENGTHS}
    assert len(memories.key_sentences) == len(_sentences_of(text))


def test_explicit_language_is_used_for_stop_words() -> None:
    text = (
        "Die Stadt baut neue Solaranlagen auf den Dächern. Die Solaranlagen liefern Strom für "
        "die Schulen. Der Strom aus den Solaranlagen ist billig. Die Bürger sind zufrieden."
    )
    memories = summarize(text, language="de")
    assert memories.language == "de"
    assert "Solaranlagen" in [keyword.term for keyword in memories.keywords[:10]]
    assert all(k.term.lower() not in {"die", "den", "der"} for k in memories.keywords)


def _long_text(sentence_count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    topics = [f"topic{i}" for i in range(300)]
    filler = "the of in on for with is was by this that from at as".split()
    sentences = []
    for _ in range(sentence_count):
        words = [rng.choice(topics if rng.random() < 0.6 else filler) for _ in range(12)]
        sentences.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def test_long_text_is_ranked_hierarchically_and_stays_fast() -> None:
    text = _long_text(CHUNK_SENTENCES * 40)
    started = time.monotonic()
    memories = summarize(text)
    assert time.monotonic() - started < 20
    starts = [s.start for s in memories.key_sentences]
    assert len(set(starts)) == LENGTHS["long"]
    assert all(text[s.start : s.end] == s.text for s in memories.key_sentences)


def test_sections_guide_the_chunks_without_changing_the_contract() -> None:
    text = _long_text(CHUNK_SENTENCES * 3)
    middle = len(text) // 2
    with_sections = summarize(text, sections=[(0, middle), (middle, len(text))])
    assert len(with_sections.key_sentences) == LENGTHS["long"]
    assert all(text[s.start : s.end] == s.text for s in with_sections.key_sentences)
