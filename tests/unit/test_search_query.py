import pytest

from services.gateway.storage.tsquery import InvalidQuery, to_tsquery_text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rivers", "('rivers')"),
        ("rivers valley", "('rivers' & 'valley')"),
        ("rivers OR lakes", "('rivers') | ('lakes')"),
        ('"carry water" -mountain', "(('carry' <-> 'water') & !'mountain')"),
        ("hydro*", "('hydro':*)"),
        ("e-mail", "(('e' <-> 'mail'))"),
        ("O'Brien", "(('o' <-> 'brien'))"),
        ("Größe", "('größe')"),
    ],
)
def test_queries_translate_to_safe_tsquery_text(query: str, expected: str) -> None:
    assert to_tsquery_text(query) == expected


@pytest.mark.parametrize(
    "query",
    ["", "   ", '"unclosed', "OR rivers", "rivers OR", "a OR OR b", "-only", "!!! ???", "x " * 40],
)
def test_invalid_queries_are_rejected(query: str) -> None:
    with pytest.raises(InvalidQuery):
        to_tsquery_text(query)


def test_operators_in_input_cannot_escape_quoting() -> None:
    text = to_tsquery_text("a & b | !c <-> d:*")
    assert text == "('a' & 'b' & 'c' & 'd':*)"
