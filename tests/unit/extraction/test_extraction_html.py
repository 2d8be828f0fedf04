"""HTML keeps what the author wrote (title, byline, lists, tables, captions, alt text) and
drops the page around it (scripts, styles, navigation, the site's banner and footer)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from services.ingest.extraction import extract_file
from services.ingest.extraction.html import extract_html
from services.ingest.extraction.html_depth import flatten_deep_nesting

NEWS_PAGE = """<!DOCTYPE html>
<html><head><title>Quarterly results | Example News</title>
<style>.byline { color: grey }</style><script>track("view")</script></head>
<body>
<header class="site"><a href="/">Example News</a><nav><a href="/world">World</a></nav></header>
<div id="cookie" hidden>We use cookies</div>
<main><article>
  <header><h1>Quarterly results</h1><p class="byline">By Ann Lee, 3 May 2024</p></header>
  <p>Revenue rose by <b>12 percent</b>, see <a href="/t">the table</a>.</p>
  <h2>By region</h2>
  <ul><li>North: strong</li><li>South: flat</li></ul>
  <table><tr><th>Region</th><th>Growth</th></tr><tr><td>North</td><td>12%</td></tr></table>
  <figure><img src="c.png" alt="Bar chart of revenue"><figcaption>Figure 1: revenue by
  quarter</figcaption></figure>
  <aside><p>Note: figures are unaudited.</p></aside>
  <footer><p>Filed under finance</p></footer>
</article>
<aside class="related"><a href="/x">Related: other results</a></aside></main>
<footer class="site">(c) Example News <a href="/privacy">Privacy</a></footer>
<div role="navigation">Next page</div>
</body></html>"""


def test_article_header_byline_and_structure_are_kept() -> None:
    builder = extract_html(NEWS_PAGE)
    assert builder.text() == (
        "Quarterly results\n"
        "By Ann Lee, 3 May 2024\n\n"
        "Revenue rose by 12 percent, see the table.\n\n"
        "By region\n"
        "North: strong\n"
        "South: flat\n"
        "Region; Growth\n"
        "North; 12%\n"
        "Bar chart of revenue\n"
        "Figure 1: revenue by quarter\n"
        "Note: figures are unaudited.\n\n"
        "Filed under finance"
    )
    assert builder.title == "Quarterly results | Example News"
    assert [(s.title, s.level) for s in builder.sections()] == [
        ("Quarterly results", 1),
        ("By region", 2),
    ]


def test_title_falls_back_to_og_title_then_the_first_heading() -> None:
    og = '<html><head><meta property="og:title" content="Shared title"></head><body>x</body>'
    assert extract_html(og).title == "Shared title"
    assert extract_html("<body><h1>Only heading</h1><p>text</p></body>").title == "Only heading"


def test_pre_keeps_its_lines_and_nested_tables_stay_in_their_cell() -> None:
    # (each line is a block of its own, trimmed like every block)
    page = (
        "<pre>line one\n  line two</pre>"
        "<table><tr><td>outer<table><tr><td>a</td><td>b</td></tr></table></td>"
        "<td>right</td></tr></table>"
    )
    assert extract_html(page).text() == "line one\nline two\nouter a; b; right"


def test_deep_nesting_is_flattened_and_walked_without_recursion() -> None:
    depth = 50_000
    builder = extract_html("<div>" * depth + "deep <b>text</b>" + "</div>" * depth + "<p>after")
    assert builder.text() == "deep text\nafter"
    assert builder.notes == ["HTML blocks nested deeper than 512 levels were flattened"]
    inline = 5_000  # inline elements cost the parser nothing per level, and are kept
    assert extract_html("<span>" * inline + "x" + "</span>" * inline).text() == "x"


def test_flattening_keeps_shallow_documents_byte_for_byte() -> None:
    page = "<div><section><p>a</p></section></div>" * 100
    assert flatten_deep_nesting(page) == (page, False)
    nested, flattened = flatten_deep_nesting("<div>" * 3 + "x" + "</div>" * 3, max_depth=2)
    assert (nested, flattened) == ("<div><div>x</div></div>", True)


@pytest.mark.skipif(
    shutil.which("pandoc") is None,
    reason="pandoc is not installed (deploy/tools/install-validators.sh installs it)",
)
def test_pandoc_standalone_page_reads_as_its_text(tmp_path: Path) -> None:
    source = tmp_path / "page.md"
    source.write_text(
        "---\ntitle: Field Report\nauthor: Ann Lee\n---\n\n# Wind and sun\n\n"
        "Turbines *and* panels share **one** grid.\n\n- Offshore wind\n- Rooftop solar\n\n"
        '![Map of the wind farms](map.png "Map")\n\n'
        "| Site | Output |\n|------|--------|\n| North | 40 MW |\n\n"
        "Read [the source](https://en.wikipedia.org/wiki/Foo_(bar)) for more.\n"
    )
    page = tmp_path / "page.html"
    subprocess.run(["pandoc", "-s", str(source), "-o", str(page)], check=True, timeout=60)
    result = extract_file(page, "html")
    assert result.text == (
        "Field Report\n"
        "Ann Lee\n\n"
        "Wind and sun\n"
        "Turbines and panels share one grid.\n\n"
        "Offshore wind\n"
        "Rooftop solar\n"
        "Map of the wind farms\n"
        "Site; Output\n"
        "North; 40 MW\n"
        "Read the source for more."
    )
    assert result.title == "Field Report"
