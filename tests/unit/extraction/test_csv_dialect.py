"""The delimiter guess: the candidate that splits most lines into the same number of fields."""

from __future__ import annotations

import csv
import io

import pytest

from services.ingest.extraction.csv_dialect import sniff_dialect


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("name,age\nAlice,31\nBob,42\n", ","),
        ('name;note\nAlice;"likes a, b, c"\nBob;"x, y"\n', ";"),
        ("name\tcity\nAlice\tBerlin; Mitte\nBob\tParis\n", "\t"),
        ("a|b|c\n1|2|3\n4|5|6\n", "|"),
        ('id,text\n1,"one; two; three"\n2,"four; five"\n', ","),
        ("just one column\nand another line\n", ","),
    ],
)
def test_delimiter_is_guessed(sample: str, delimiter: str) -> None:
    assert sniff_dialect(sample).delimiter == delimiter


def test_quoted_fields_and_spaces_after_delimiters_read_back() -> None:
    sample = 'name, note\nAlice, "a, b"\nBob, "c"\n'
    rows = list(csv.reader(io.StringIO(sample), sniff_dialect(sample)))
    assert rows == [["name", "note"], ["Alice", "a, b"], ["Bob", "c"]]
