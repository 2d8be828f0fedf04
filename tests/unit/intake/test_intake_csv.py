import pytest
from intake_samples import inspect

from services.gateway.intake import InvalidContent
from services.gateway.intake.content.csv_rows import CsvCheck

QUOTED = (
    b"id,name,comment\r\n"
    b'1,"Smith, John","said ""hi""\r\nover two lines"\r\n'
    b"2,Jane,plain\r\n"
    b"\r\n"
    b'3,"",""\r\n'
)


@pytest.mark.parametrize("chunk_size", [1, 2, 7, 64, 4096])
async def test_quotes_commas_newlines_and_blank_lines_are_understood(chunk_size: int) -> None:
    result = await inspect("data.csv", QUOTED * 50, chunk_size=chunk_size)
    assert result.kind == "csv"


async def test_other_delimiters_are_detected_from_the_header() -> None:
    check = CsvCheck()
    check.feed(b"a;b;c\n1;2,5;3\n")
    check.finish()
    assert check.delimiter == b";"
    assert check.columns == 3


async def test_a_last_row_without_newline_is_checked_too() -> None:
    with pytest.raises(InvalidContent, match="record 3 has 2 fields, expected 3"):
        await inspect("data.csv", b"a,b,c\n1,2,3\n4,5")


@pytest.mark.parametrize("chunk_size", [1, 5, 1 << 20])
async def test_a_row_with_the_wrong_field_count_is_named(chunk_size: int) -> None:
    rows = b"a,b,c\n" + b"1,2,3\n" * 1000 + b"1,2,3,4\n" + b"1,2,3\n" * 10
    with pytest.raises(InvalidContent) as caught:
        await inspect("data.csv", rows, chunk_size=chunk_size)
    assert caught.value.extra["record"] == 1002
    assert "has 4 fields, expected 3" in caught.value.detail


async def test_an_unclosed_quote_is_invalid() -> None:
    with pytest.raises(InvalidContent, match="never closed"):
        await inspect("data.csv", b'a,b\n1,"open\n2,3\n')


async def test_an_absurdly_long_field_is_invalid() -> None:
    with pytest.raises(InvalidContent, match="longer than 131072"):
        await inspect("data.csv", b"a,b\n1," + b"x" * 140_000 + b"\n", chunk_size=65536)
    with pytest.raises(InvalidContent, match="longer than 131072"):
        await inspect("data.csv", b'a,b\n1,"' + b"x" * 140_000 + b'"\n', chunk_size=65536)


async def test_a_file_of_blank_lines_has_no_rows() -> None:
    with pytest.raises(InvalidContent, match="no rows"):
        await inspect("data.csv", b"\n\r\n \n")


async def test_a_single_column_file_and_a_header_only_file_are_fine() -> None:
    await inspect("one.csv", b'name\nalpha\n"beta"\n')
    await inspect("header.csv", b"a,b,c\n")
