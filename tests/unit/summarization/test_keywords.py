"""Keyphrases of a topical text include its known terms; stop words never make it."""

from __future__ import annotations

from pathlib import Path

from services.processor.summarization import extract_keywords

SOLAR = (Path(__file__).resolve().parents[2] / "data" / "files" / "solar.txt").read_text()


def test_topical_terms_are_found_with_descending_scores() -> None:
    keywords = extract_keywords(SOLAR)
    terms = [keyword.term.lower() for keyword in keywords]
    assert len(keywords) == 15
    assert "solar" in terms
    assert {"electricity", "rooftop", "panels"} & set(terms)
    assert any(len(term.split()) > 1 for term in terms)  # multi-word keyphrases
    scores = [keyword.score for keyword in keywords]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)


def test_no_stop_words_and_no_near_duplicates() -> None:
    terms = [keyword.term.lower() for keyword in extract_keywords(SOLAR, language="en", top=30)]
    assert not {"the", "of", "and", "in", "that"} & set(terms)
    assert all(term.split()[0] not in {"the", "of", "and"} for term in terms)
    assert len(set(terms)) == len(terms)


def test_top_limits_the_result_and_empty_text_gives_none() -> None:
    assert len(extract_keywords(SOLAR, top=3)) == 3
    assert extract_keywords("") == []
    assert extract_keywords("... --- !!!") == []


def test_french_and_spanish_stop_words() -> None:
    french = (
        "Les panneaux solaires produisent de l'électricité. Les panneaux solaires sont "
        "installés sur les toits de la ville. La ville finance les panneaux solaires."
    )
    terms = [k.term.lower() for k in extract_keywords(french, language="fr")]
    assert any("panneaux" in term for term in terms)
    assert not {"les", "de", "la", "sur"} & set(terms)
    spanish = "Los paneles solares producen electricidad. La ciudad instala los paneles solares."
    terms = [k.term.lower() for k in extract_keywords(spanish, language="es")]
    assert any("paneles" in term for term in terms)
    assert not {"los", "la"} & set(terms)
