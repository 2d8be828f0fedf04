"""Hostile documents fail on their own, cleanly and within limits, through the worker pool."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from services.ingest.extraction import ExtractionError, extract_isolated

TIMEOUT_S = 10.0


@pytest.mark.parametrize(
    ("writer", "name", "reason"),
    [
        ("write_docx_bomb", "bomb.docx", "zip bomb"),
        ("write_deep_json", "deep.json", "nested deeper than 256 levels"),
        ("write_huge_json", "huge.json", "JSON file is too large"),
        ("write_long_line_csv", "line.csv", "CSV line longer than 1 MiB"),
        ("write_many_objects_pdf", "many.pdf", "unreadable PDF"),
        ("write_flate_bomb_pdf", "flate.pdf", "no extractable text"),
    ],
)
async def test_hostile_file_fails_cleanly_within_limits(
    tmp_path: Path, make_fixtures: ModuleType, writer: str, name: str, reason: str
) -> None:
    path = tmp_path / name
    write: Callable[[Path], None] = getattr(make_fixtures, writer)
    write(path)
    started = time.monotonic()
    with pytest.raises(ExtractionError, match=reason):
        await extract_isolated(path, name.rsplit(".", 1)[1], timeout_s=TIMEOUT_S)
    assert time.monotonic() - started < TIMEOUT_S


async def test_overrunning_document_is_stopped_without_harming_others(
    tmp_path: Path, files: Path, make_fixtures: ModuleType
) -> None:
    slow = tmp_path / "slow.csv"
    slow.write_text("id,text\n" + "".join(f"{i},some words here\n" for i in range(400_000)))
    started = time.monotonic()
    slow_result, good_result = await asyncio.gather(
        extract_isolated(slow, "csv", timeout_s=0.3),
        extract_isolated(files / "solar.txt", "txt"),
        return_exceptions=True,
    )
    assert isinstance(slow_result, ExtractionError)
    assert slow_result.reason == "extraction took longer than 0.3 s"
    assert not isinstance(good_result, BaseException) and good_result.language == "en"
    assert time.monotonic() - started < 5
    # The killed worker was replaced: the pool still extracts.
    again = await extract_isolated(files / "solar.pdf", "pdf")
    assert again.pages[1].number == 2


async def test_memory_blow_up_fails_the_document_and_the_pool_recovers(
    tmp_path: Path, files: Path
) -> None:
    big = tmp_path / "big.txt"
    big.write_text(("many words in a long line " * 40 + "\n") * 40_000)  # ~42 MB
    with pytest.raises(ExtractionError, match="more than the 64 MB memory limit"):
        await extract_isolated(big, "txt", memory_mb=64)
    result = await extract_isolated(files / "storage.docx", "docx")
    assert result.title == "Solar Storage Report"


async def test_isolated_result_equals_in_process_result(files: Path) -> None:
    from services.ingest.extraction import extract_file

    isolated = await extract_isolated(files / "guide.md", "md")
    assert isolated == extract_file(files / "guide.md", "md")


async def test_isolated_errors_keep_their_reason(files: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        await extract_isolated(files / "encrypted.pdf", "pdf")
    assert caught.value.reason == "PDF is encrypted"
