"""CSV to readable text, one row per line: ``name: Alice; age: 31``.

The file is streamed. Large files are sampled: the first ``CSV_HEAD_ROWS`` data rows are kept
verbatim, and a uniform reservoir sample (fixed seed, so re-extraction is reproducible) of
``CSV_SAMPLE_ROWS`` rows stands for the remainder, emitted in file order. A physical line or
field above ``MAX_CSV_LINE_CHARS`` fails the document: no reader should buffer it.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .builder import TextBuilder
from .csv_dialect import sniff_dialect
from .encoding import open_text_stream
from .limits import CSV_HEAD_ROWS, CSV_SAMPLE_ROWS, MAX_CSV_LINE_CHARS
from .model import ExtractionError

_MAX_ROW_CHARS = 10_000
_SNIFF_CHARS = 64 * 1024


def _bounded_lines(stream: TextIO) -> Iterator[str]:
    while True:
        line = stream.readline(MAX_CSV_LINE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_CSV_LINE_CHARS:
            raise ExtractionError(
                f"CSV line longer than {MAX_CSV_LINE_CHARS // (1024 * 1024)} MiB characters"
            )
        yield line.replace("\x00", "")


def _looks_like_header(row: list[str]) -> bool:
    cells = [cell.strip() for cell in row]
    if not cells or any(not cell for cell in cells) or len(set(cells)) != len(cells):
        return False
    return not any(_is_number(cell) for cell in cells)


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", ""))
        return True
    except ValueError:
        return False


def _render(row: list[str], header: list[str] | None) -> str:
    if header:
        names = header + [f"column {i + 1}" for i in range(len(header), len(row))]
        pairs = (f"{name}: {value.strip()}" for name, value in zip(names, row, strict=False))
        text = "; ".join(pair for pair in pairs if not pair.endswith(": "))
    else:
        text = "; ".join(value.strip() for value in row if value.strip())
    return text if len(text) <= _MAX_ROW_CHARS else text[:_MAX_ROW_CHARS] + " …"


def extract_csv(path: Path) -> TextBuilder:
    previous_limit = csv.field_size_limit(MAX_CSV_LINE_CHARS)
    try:
        with open_text_stream(path) as stream:
            start = stream.tell()
            sample = stream.read(_SNIFF_CHARS)
            stream.seek(start)
            return _read_rows(stream, sniff_dialect(sample))
    except csv.Error as error:
        raise ExtractionError(f"malformed CSV: {error}") from None
    finally:
        csv.field_size_limit(previous_limit)


def _read_rows(stream: TextIO, dialect: type[csv.Dialect] | csv.Dialect) -> TextBuilder:
    reader = csv.reader(_bounded_lines(stream), dialect)
    header: list[str] | None = None
    head: list[str] = []
    reservoir: list[tuple[int, str]] = []
    sampler = random.Random(0)
    data_rows = 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None and data_rows == 0 and not head and _looks_like_header(row):
            header = [cell.strip() for cell in row]
            continue
        if data_rows < CSV_HEAD_ROWS:
            head.append(_render(row, header))
        else:
            seen_after_head = data_rows - CSV_HEAD_ROWS
            if seen_after_head < CSV_SAMPLE_ROWS:
                reservoir.append((data_rows, _render(row, header)))
            else:
                slot = sampler.randint(0, seen_after_head)
                if slot < CSV_SAMPLE_ROWS:
                    reservoir[slot] = (data_rows, _render(row, header))
        data_rows += 1
    builder = TextBuilder()
    for line in head:
        builder.add_block(line)
    for _, line in sorted(reservoir):
        builder.add_block(line)
    if data_rows > CSV_HEAD_ROWS + CSV_SAMPLE_ROWS:
        builder.truncated = True
        builder.notes.append(
            f"CSV has {data_rows} data rows; kept the first {CSV_HEAD_ROWS} and a uniform "
            f"random sample of {CSV_SAMPLE_ROWS} of the remaining {data_rows - CSV_HEAD_ROWS}"
        )
    return builder
