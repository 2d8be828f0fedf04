"""Markdown read by a CommonMark parser: the text as a reader sees it, headings as sections."""

from __future__ import annotations

from pathlib import Path

from services.ingest.extraction import extract_file
from services.ingest.extraction.markdown import extract_markdown


def test_sample_guide_reads_as_its_text(files: Path) -> None:
    result = extract_file(files / "guide.md", "md")
    assert result.text == (
        "Solar Guide\n"
        "Solar panels convert sunlight into electricity, see the guide.\n\n"
        "Costs\n"
        "Modules got cheaper every year.\n"
        "Labour was is the largest cost.\n"
        "Item; Share\n"
        "Modules; 30%\n"
        "Labour; 45%\n"
        'print("code stays as text")\n\n'
        "Setext Heading\n"
        "Quoted storage advice."
    )


def test_link_targets_with_parentheses_leave_no_stray_characters() -> None:
    text = extract_markdown("See [x](https://en.wikipedia.org/wiki/Foo_(bar)) now.").text()
    assert text == "See x now."


def test_raw_html_leaves_its_text_and_images_their_alt_text() -> None:
    source = (
        '<div class="note">\n<p>Raw <b>HTML</b> block</p>\n</div>\n\n'
        "Inline <kbd>Ctrl</kbd> key and ![alt *text*](i.png).\n\n"
        "Escaped \\*stars\\* and `code *as is*`."
    )
    assert extract_markdown(source).text() == (
        "Raw HTML block\nInline Ctrl key and alt text.\n\nEscaped *stars* and code *as is*."
    )


def test_long_documents_are_read_in_pieces_without_splitting_code_fences() -> None:
    filler = "Plain paragraph text that fills the document.\n\n"
    fenced = "code line\n\n" * 2_000 + "# not a heading\n"  # straddles the 256 KiB cut
    source = (
        "# Start\n\n[ref]: https://example.org\n\n" + filler * 5_400
        + "```\n" + fenced + "```\n\n"
        + "Reference [link][ref] here.\n\n## End\n\n" + filler * 6_000
    )  # fmt: skip
    builder = extract_markdown(source)
    text = builder.text()
    assert [(s.title, s.level) for s in builder.sections()] == [("Start", 1), ("End", 2)]
    assert text.count("code line") == 2_000
    assert "code line\n# not a heading\n\nReference link here." in text  # ref from before
