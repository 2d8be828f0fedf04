"""Every function that reads document text runs in linear time on adversarial input.

A pattern that backtracks, or a loop that rescans what it has read, turns a small upload into
minutes of CPU for the worker that extracts it. The property: for hostile text (long runs of one
punctuation mark, digits, words without spaces, deep nesting, mixed scripts), making the input
four times longer makes the CPU time at most about four times longer (two doublings, each
allowed a generous factor of ~2.8, so a quadratic function (16x) fails while noise does not).

Times are ``time.process_time`` (CPU of this process, so other work on the machine does not
count) and the minimum of a few repeats; each input is grown until it costs a few milliseconds,
so the ratio measures the function, not the clock.
"""

from __future__ import annotations

import gc
import io
import json
import string
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from services.ingest.extraction import ExtractionError, extract_file
from services.ingest.extraction.docx import extract_docx
from services.ingest.extraction.encoding import decode_bytes
from services.ingest.extraction.html import extract_html
from services.ingest.extraction.json_text import extract_json
from services.ingest.extraction.language import detect_language
from services.ingest.extraction.markdown import extract_markdown
from services.ingest.extraction.plain import extract_plain
from services.ingest.extraction.tabular import extract_csv
from services.ingest.extraction.words import count_words

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from make_fixtures import build_docx

MIN_BASE_SECONDS = 0.004  # grow the input until one run costs at least this much CPU
MAX_CHARS = 1 << 20
ALLOWED_RATIO = 8.0  # for 4x the input; linear is ~4, quadratic ~16
REPEATS = 3

_SCRATCH = Path(tempfile.mkdtemp(prefix="sum-linear-"))


def _through_file(suffix: str, read: Callable[[Path], object]) -> Callable[[str], object]:
    def run(text: str) -> object:
        path = _SCRATCH / f"input{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        return read(path)

    return run


def _docx(text: str) -> object:
    path = _SCRATCH / "input.docx"
    path.write_bytes(build_docx([(text, None), (text[: len(text) // 2], "Heading1")]))
    return extract_docx(path)


def _encodings(text: str) -> object:
    data = text.encode("utf-8", errors="surrogatepass")
    return decode_bytes(data), decode_bytes(b"\xe9" + data), decode_bytes(text.encode("utf-16-le"))


EXTRACTORS: dict[str, Callable[[str], object]] = {
    "plain": extract_plain,
    "markdown": extract_markdown,
    "html": extract_html,
    "csv": _through_file(".csv", extract_csv),
    "json text": _through_file(".json", extract_json),
    "json string": lambda text: _through_file(".json", extract_json)(json.dumps([text, text])),
    "docx": _docx,
    "encoding detection": _encodings,
    "language detection": detect_language,
    "word counting": count_words,
    # plain text through the whole pipeline: word counting, language, limits
    "document (txt)": _through_file(".txt", lambda path: extract_file(path, "txt")),
}

PUNCTUATION = [*string.punctuation, "…", "\u2013", "—", "·", "«", "»", "、", "。", "¿", "\u200b"]
NESTING = [
    "[", "(", "{", "<", "> ", "* ", "- ", "1. ", "    ", "[a](", "![", "**a ", "_a ", "__",
    "~~a ", "`", "<a ", "<!--", "<div>", "<b>", "<table><tr><td>", "&#", "|", '"', ',"a', "\\",
]  # fmt: skip
SCRIPTS = ["Жук ", "中文", "العربية", "हिन्दी", "ελληνικά", "😀", "e\u0301", "ﬁ", "\u202e", "ß"]
atoms = st.one_of(
    st.sampled_from(PUNCTUATION),
    st.text(alphabet=string.digits, min_size=1, max_size=6),
    st.text(alphabet=string.ascii_letters + string.punctuation, min_size=1, max_size=12),
    st.sampled_from(NESTING),
    st.sampled_from(SCRIPTS),
)
units = st.lists(atoms, min_size=1, max_size=3).map("".join)


def _input(unit: str, chars: int) -> str:
    return (unit * (chars // len(unit) + 1))[:chars]


def _cpu_seconds(run: Callable[[str], object], text: str, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        try:
            run(text)
        except ExtractionError:
            pass  # refusing the document is a fine answer, as long as it comes quickly
        best = min(best, time.process_time() - start)
    return best


def growth(run: Callable[[str], object], unit: str, repeats: int = REPEATS) -> float:
    """CPU time on 4n characters divided by CPU time on n, for n just large enough to time."""
    chars = 1024
    base = _cpu_seconds(run, _input(unit, chars), repeats)
    while base < MIN_BASE_SECONDS and chars < MAX_CHARS:
        chars *= 2
        base = _cpu_seconds(run, _input(unit, chars), repeats)
    if base < MIN_BASE_SECONDS:
        return 1.0  # a megabyte costs less than the clock can tell apart: linear enough
    return _cpu_seconds(run, _input(unit, 4 * chars), repeats) / base


@pytest.fixture(autouse=True)
def _no_collector_pauses() -> object:
    # A collection pause in the middle of a timing is the biggest source of noise here.
    gc.collect()
    gc.disable()
    yield
    gc.enable()


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(unit=units)
@example(unit="-")  # 40 KB of dashes took 26 s in the word counter
@example(unit=".")
@example(unit="**a ")
@example(unit="[")
@example(unit="<a ")
@example(unit="<!--")
@example(unit=',"a')
@example(unit="<div>")  # block nesting: an HTML5 parser's stack scans
def test_doubling_the_input_at_most_doubles_the_time(name: str, unit: str) -> None:
    run = EXTRACTORS[name]
    ratio = growth(run, unit)
    if ratio > ALLOWED_RATIO:
        ratio = growth(run, unit, repeats=7)  # one noisy measurement is not a finding
    assert ratio <= ALLOWED_RATIO, (
        f"{name}: 4x the input {unit!r}… took {ratio:.1f}x the CPU time (at most "
        f"{ALLOWED_RATIO:g}x is linear)"
    )


def test_the_timing_tells_quadratic_from_linear() -> None:
    """The measurement itself: a known quadratic function fails it, a linear one passes."""

    def quadratic(text: str) -> int:
        return sum(text.count(text[i]) for i in range(0, len(text), 8))

    assert growth(quadratic, "ab") > ALLOWED_RATIO
    assert growth(lambda text: io.StringIO(text).read().count("a"), "ab") <= ALLOWED_RATIO
