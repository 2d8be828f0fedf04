"""Throughput of extraction + summarization, and how summarization scales with text size.

Run: ``uv run python bench/understanding_bench.py [--quick]``. Prints one JSON object:

* ``per_type``: for each kind, documents of ~50-200 kB extracted with ``extract_file`` and
  summarized with ``summarize`` one after the other in this process, so the figures are per
  core (MB/s of input file, documents/s).
* ``mixed``: the same on all kinds interleaved.
* ``scaling``: ``summarize`` on 0.5, 1, 2 and 5 MB of text: wall time (measured without
  tracemalloc) and the tracemalloc peak of a second run;
  ``linearity`` is seconds-per-MB at the largest size divided by that at the smallest
  (1.0 = perfectly linear, 10.0 would be quadratic over this range).

Text is synthetic but shaped like prose: a Zipf-distributed vocabulary of invented words
mixed with real English function words, sentences of 8-30 words, paragraphs and headings.
"""

from __future__ import annotations

import csv
import gc
import html
import importlib.util
import io
import json
import random
import sys
import tempfile
import time
import tracemalloc
from itertools import accumulate
from pathlib import Path
from types import ModuleType

from services.ingest.extraction import extract_file
from services.processor.summarization import split_sentences, summarize

ROOT = Path(__file__).resolve().parents[1]
FUNCTION_WORDS = "the of and to in is that for it as was with on by this are from at be".split()


def _load_fixture_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_fixtures", ROOT / "tests/data/make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ProseGenerator:
    def __init__(self, seed: int = 42, vocabulary: int = 5_000) -> None:
        self.rng = random.Random(seed)
        syllables = "ka lo mi ne ru sa te vo pi da gen tor lan mer sol vik bar cen".split()
        self.words = list(
            {
                "".join(self.rng.choices(syllables, k=self.rng.randint(2, 4)))
                for _ in range(vocabulary)
            }
        )
        self.cumulative = list(accumulate(1 / rank for rank in range(1, len(self.words) + 1)))

    def sentence(self) -> str:
        length = self.rng.randint(8, 30)
        words = [
            self.rng.choice(FUNCTION_WORDS)
            if self.rng.random() < 0.4
            else self.rng.choices(self.words, cum_weights=self.cumulative)[0]
            for _ in range(length)
        ]
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 8)))

    def text(self, size: int) -> str:
        parts: list[str] = []
        total = 0
        while total < size:
            part = self.paragraph() if len(parts) % 8 else self.sentence().rstrip(".").title()
            parts.append(part)
            total += len(part) + 2
        return "\n\n".join(parts)


def _document(kind: str, prose: ProseGenerator, size: int, maker: ModuleType) -> bytes:
    paragraphs = prose.text(size).split("\n\n")
    if kind == "txt":
        return "\n\n".join(paragraphs).encode()
    if kind == "md":
        return "\n\n".join(p if i % 8 else f"## {p}" for i, p in enumerate(paragraphs)).encode()
    if kind == "html":
        body = "".join(
            f"<p>{html.escape(p)}</p>" if i % 8 else f"<h2>{html.escape(p)}</h2>"
            for i, p in enumerate(paragraphs)
        )
        return (
            f"<html><head><title>T</title></head><body><nav>menu</nav>{body}</body></html>".encode()
        )
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "title", "body"])
        for i, p in enumerate(paragraphs):
            writer.writerow([i, p[:40], p])
        return out.getvalue().encode()
    if kind == "json":
        return json.dumps(
            {"items": [{"id": i, "body": p} for i, p in enumerate(paragraphs)]}
        ).encode()
    if kind == "pdf":
        lines = [line for p in paragraphs for line in _wrap(p, 90)]
        return maker.build_pdf([lines[i : i + 50] for i in range(0, len(lines), 50)])
    if kind == "docx":
        styled = [(p, None if i % 8 else "Heading2") for i, p in enumerate(paragraphs)]
        return maker.build_docx(styled)
    raise ValueError(kind)


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def _run(paths: list[tuple[Path, str]]) -> dict[str, float]:
    extracting = summarizing = 0.0
    total_bytes = 0
    for path, kind in paths:
        total_bytes += path.stat().st_size
        started = time.perf_counter()
        extracted = extract_file(path, kind)
        extracted_at = time.perf_counter()
        sections = [(section.start, section.end) for section in extracted.sections]
        summarize(extracted.text, language=extracted.language, sections=sections)
        extracting += extracted_at - started
        summarizing += time.perf_counter() - extracted_at
    elapsed = extracting + summarizing
    megabytes = total_bytes / 1e6
    return {
        "documents": len(paths),
        "megabytes": round(megabytes, 3),
        "seconds": round(elapsed, 3),
        "mb_per_s": round(megabytes / elapsed, 3),
        "docs_per_s": round(len(paths) / elapsed, 2),
        "extract_only_mb_per_s": round(megabytes / extracting, 2),
        "share_of_time_in_summarize": round(summarizing / elapsed, 2),
    }


def _scaling(prose: ProseGenerator, sizes: list[float]) -> dict[str, object]:
    """Time without tracemalloc (it slows Python code several times over), then the same
    text again under tracemalloc for its peak."""
    rows = []
    for megabytes in sizes:
        text = prose.text(int(megabytes * 1e6))
        gc.collect()
        started = time.perf_counter()
        memories = summarize(text)
        elapsed = time.perf_counter() - started
        tracemalloc.start()
        summarize(text)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(
            {
                "megabytes": megabytes,
                "sentences": len(split_sentences(text)),
                "seconds": round(elapsed, 3),
                "seconds_per_mb": round(elapsed / megabytes, 3),
                "peak_mib": round(peak / 2**20, 1),
                "peak_mib_per_mb": round(peak / 2**20 / megabytes, 1),
                "key_sentences": len(memories.key_sentences),
            }
        )
    first, last = rows[0], rows[-1]
    return {
        "runs": rows,
        "linearity_time": round(float(last["seconds_per_mb"]) / float(first["seconds_per_mb"]), 2),
        "linearity_memory": round(
            float(last["peak_mib_per_mb"]) / float(first["peak_mib_per_mb"]), 2
        ),
    }


def main() -> None:
    quick = "--quick" in sys.argv
    maker = _load_fixture_maker()
    prose = ProseGenerator()
    kinds = ["txt", "md", "html", "csv", "json", "pdf", "docx"]
    per_kind = 3 if quick else 10
    report: dict[str, object] = {"python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory() as folder:
        documents: dict[str, list[tuple[Path, str]]] = {kind: [] for kind in kinds}
        for kind in kinds:
            for index in range(per_kind):
                size = prose.rng.randint(50_000, 200_000)
                path = Path(folder) / f"{kind}-{index}.{kind}"
                path.write_bytes(_document(kind, prose, size, maker))
                documents[kind].append((path, kind))
        report["per_type"] = {kind: _run(paths) for kind, paths in documents.items()}
        mixed = [doc for group in zip(*documents.values(), strict=True) for doc in group]
        report["mixed"] = _run(mixed)
    sizes = [0.5, 1.0] if quick else [0.5, 1.0, 2.0, 5.0]
    report["scaling"] = _scaling(prose, sizes)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
