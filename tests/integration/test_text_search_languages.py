# ruff: noqa: RUF001 (text in other scripts is the point of these tests)
"""Search stems every language PostgreSQL can stem: the detected language of a document picks
the server's text-search configuration for it (migration 0006)."""

from __future__ import annotations

import asyncpg
import pytest

from services.ingest.extraction.language import detect_language

pytestmark = pytest.mark.integration

# ISO 639 code -> PostgreSQL configuration, for every configuration a release may ship.
EXPECTED = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "et": "estonian", "fi": "finnish", "fr": "french",
    "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian",
    "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian",
    "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

# (text, a form of one of its words that only the language's stemmer relates to it)
SAMPLES = {
    "ru": (
        "Городской совет принял решение установить солнечные панели на крышах всех школ, "
        "потому что это снижает расходы на электричество и помогает климату.",
        "панель",
    ),
    "sv": (
        "Kommunen har beslutat att installera solpaneler på taken till alla skolor, eftersom "
        "det sänker elkostnaderna och hjälper klimatet på lång sikt.",
        "solpanel",
    ),
    "tr": (
        "Belediye meclisi, elektrik giderlerini azalttığı ve iklime yardımcı olduğu için tüm "
        "okulların çatılarına güneş panelleri kurmaya karar verdi.",
        "panel",
    ),
    "fi": (
        "Kaupunginvaltuusto päätti asentaa aurinkopaneelit kaikkien koulujen katoille, koska "
        "se vähentää sähkökuluja ja auttaa ilmastoa pitkällä aikavälillä.",
        "aurinkopaneeli",
    ),
    "el": (
        "Το δημοτικό συμβούλιο αποφάσισε να τοποθετήσει ηλιακούς συλλέκτες στις στέγες όλων "
        "των σχολείων, επειδή μειώνει το κόστος του ρεύματος.",
        "σχολείο",
    ),
}


async def _config(conn: asyncpg.Connection, language: str | None) -> str:
    return str(await conn.fetchval("SELECT sum_text_config($1)::text", language))


async def test_every_configuration_of_the_server_is_reachable(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        available = {r["cfgname"] for r in await conn.fetch("SELECT cfgname FROM pg_ts_config")}
        unmapped = available - {"simple", *EXPECTED.values()}
        assert not unmapped, f"configurations no language code maps to: {sorted(unmapped)}"
        for code, config in EXPECTED.items():
            expected = config if config in available else "simple"
            assert await _config(conn, code) == expected, code
            assert await _config(conn, code.upper()) == expected, code
        assert await _config(conn, "pl") == "simple"  # detected, but PostgreSQL cannot stem it
        assert await _config(conn, None) == "english"  # nothing detected: the old default
    finally:
        await conn.close()


@pytest.mark.parametrize("language", sorted(SAMPLES))
async def test_detected_language_stems_the_document(database_url: str, language: str) -> None:
    text, other_form = SAMPLES[language]
    assert detect_language(text) == language
    conn = await asyncpg.connect(database_url)
    try:
        config = await _config(conn, language)
        assert config == EXPECTED[language]
        matches = "SELECT sum_field_vector($1, $2, 'D') @@ to_tsquery($3::regconfig, $4)"
        assert await conn.fetchval(matches, language, text, config, other_form)
        # ...which is the stemmer's doing: the words as written do not match.
        as_written = "SELECT to_tsvector('simple', $1) @@ to_tsquery('simple', $2)"
        assert not await conn.fetchval(as_written, text, other_form)
    finally:
        await conn.close()
