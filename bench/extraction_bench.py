"""Speed of the HTML and Markdown extractors on a large page, against a plain baseline.

Run: ``uv run python bench/extraction_bench.py``. Prints one JSON object with, for a ~1.4 MB
HTML page (a news site: navigation, scripts, an article of sections, lists, tables and
figures) and the same article as ~1 MB of Markdown:

* ``extractor``: CPU seconds (best of 5, ``time.process_time``) and MB/s of SUM's extractor;
* ``baseline``: the same for the plainest reading of the format in the same run: the standard
  library's ``html.parser`` collecting every text node (no structure, nothing dropped), and
  for Markdown markdown-it-py's parse alone (what the extractor adds is the walk over tokens);
* ``ratio``: baseline seconds / extractor seconds (above 1: the extractor is faster).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from services.ingest.extraction.html import extract_html
from services.ingest.extraction.markdown import extract_markdown

WORDS = (
    "grid solar storage battery panel rooftop output price market the of and to in is that "
    "for with as on by this are from at be capacity demand winter summer region operator"
).split()


class _AllText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _stdlib_text(page: str) -> str:
    parser = _AllText()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24))).capitalize() + "."


def _article(rng: random.Random, sections: int) -> list[tuple[str, list[str]]]:
    return [
        (f"Section {n}: " + _sentence(rng)[:40], [_sentence(rng) * 3 for _ in range(6)])
        for n in range(sections)
    ]


def html_page(article: list[tuple[str, list[str]]]) -> str:
    chrome = "<nav>" + "".join(f'<a href="/s/{i}">Section {i}</a>' for i in range(40)) + "</nav>"
    parts = ["<!DOCTYPE html><html><head><title>Grid report</title>"]
    parts.append("<script>" + "var x = 1;" * 500 + "</script><style>p{margin:0}</style></head>")
    parts.append(f"<body><header>{chrome}</header><main><article><header><h1>Grid report</h1>")
    parts.append('<p class="byline">By A. Writer</p></header>')
    for index, (title, paragraphs) in enumerate(article):
        parts.append(f'<section><h2 id="s{index}">{title}</h2>')
        parts.extend(f'<p class="body">{p} <a href="/x">more</a></p>' for p in paragraphs)
        parts.append("<ul>" + "".join(f"<li>{p[:60]}</li>" for p in paragraphs[:3]) + "</ul>")
        parts.append('<table><tr><th>Region</th><th class="n">MW</th></tr>')
        parts.append("<tr><td>North</td><td>40</td></tr><tr><td>South</td><td>12</td></tr></table>")
        parts.append('<figure><img src="c.png" alt="Chart"><figcaption>Out</figcaption></figure>')
        parts.append("</section>")
    parts.append(f"</article></main><footer>{chrome}</footer></body></html>")
    return "".join(parts)


def markdown_page(article: list[tuple[str, list[str]]]) -> str:
    parts = ["# Grid report\n\nBy *A. Writer*\n"]
    for title, paragraphs in article:
        parts.append(f"\n## {title}\n\n")
        parts.extend(f"{p} [more](/x)\n\n" for p in paragraphs)
        parts.extend(f"- **{p[:60]}**\n" for p in paragraphs[:3])
        parts.append("\n| Region | MW |\n|---|---|\n| North | 40 |\n| South | 12 |\n\n")
        parts.append("![Chart](c.png)\n")
    return "".join(parts)


def _best_seconds(run: Callable[[str], object], source: str, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        run(source)
        best = min(best, time.process_time() - started)
    return best


def _compare(source: str, extractor: Callable[[str], object], baseline: Callable[[str], object]):
    megabytes = len(source.encode()) / 1e6
    ours, plain = _best_seconds(extractor, source), _best_seconds(baseline, source)
    return {
        "input_mb": round(megabytes, 2),
        "extractor": {"seconds": round(ours, 4), "mb_per_s": round(megabytes / ours, 1)},
        "baseline": {"seconds": round(plain, 4), "mb_per_s": round(megabytes / plain, 1)},
        "ratio": round(plain / ours, 2),
    }


def main() -> None:
    article = _article(random.Random(7), sections=620)
    page, markdown = html_page(article), markdown_page(article)
    results = {
        "html": _compare(page, extract_html, _stdlib_text),
        "markdown": _compare(markdown, extract_markdown, MarkdownIt("commonmark").parse),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
