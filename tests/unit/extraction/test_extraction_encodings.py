# ruff: noqa: RUF001 (text in other scripts is the point of these tests)
"""Text files in any common encoding decode without error, and the language is guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.ingest.extraction import extract_file
from services.ingest.extraction.encoding import decode_bytes
from services.ingest.extraction.language import detect_language


@pytest.mark.parametrize("name", ["german_utf16le.txt", "german_utf16be.txt", "german_cp1252.txt"])
def test_german_text_decodes_in_every_encoding(files: Path, name: str) -> None:
    result = extract_file(files / name, "txt")
    assert "Die Stadt hat im letzten Jahr mehr Solaranlagen auf den Dächern" in result.text
    assert "Bürger" in result.text and "\ufeff" not in result.text
    assert result.language == "de"


def test_cp1252_specials_survive(files: Path) -> None:
    assert extract_file(files / "german_cp1252.txt", "txt").text.startswith(
        "Preis: 5 \u20ac \u2013 "
    )


def test_utf8_bom_is_dropped(files: Path) -> None:
    with_bom = extract_file(files / "solar_bom.txt", "txt")
    assert with_bom.text == extract_file(files / "solar.txt", "txt").text


def test_invalid_bytes_never_raise(files: Path) -> None:
    result = extract_file(files / "invalid_utf8.txt", "txt")
    assert result.text.startswith("valid start") and result.text.endswith("end ok")


def test_mostly_utf8_keeps_good_characters_and_replaces_bad_ones() -> None:
    text, codec = decode_bytes("naïve café ".encode() * 50 + b"\xff")
    assert codec == "utf-8"
    assert text.startswith("naïve café") and text.endswith("\ufffd")


@pytest.mark.parametrize(
    ("name", "language"), [("french.txt", "fr"), ("spanish.txt", "es"), ("solar.txt", "en")]
)
def test_language_is_detected(files: Path, name: str, language: str) -> None:
    assert extract_file(files / name, "txt").language == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "De gemeente heeft dit jaar meer zonnepanelen op de daken gelegd dan ooit. Het is "
            "niet alleen goed voor het klimaat, maar ook voor de bewoners die met ons meedoen.",
            "nl",
        ),
        (
            "Il comune ha installato più pannelli solari che mai. Non è solo una buona notizia per "
            "il clima, ma anche per gli abitanti che hanno partecipato alla spesa della città.",
            "it",
        ),
        (
            "A cidade instalou mais painéis solares do que nunca. Não é só bom para o clima, mas "
            "também para os moradores que participam nos custos da obra com a prefeitura.",
            "pt",
        ),
        (
            "Городской совет принял решение установить солнечные панели на крышах всех школ.",
            "ru",
        ),
        ("市议会决定在所有学校的屋顶上安装太阳能电池板，因为这样可以降低电费。", "zh"),
        ("Rada miasta zdecydowała o instalacji paneli słonecznych na dachach szkół.", "pl"),
    ],
)
def test_other_languages_are_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "12345 67890", "Hi.", "xq zv bb kk pp tt rr ss ww yy"])
def test_too_little_evidence_gives_no_language(text: str) -> None:
    assert detect_language(text) is None
