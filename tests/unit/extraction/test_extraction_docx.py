"""DOCX as word processors write it: text boxes once, notes after the body, no page furniture.

The files come from third-party tools: LibreOffice (a committed fixture, see make_fixtures),
pandoc and python-docx (made at test time; the pandoc test skips only when pandoc is absent).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from services.ingest.extraction import ExtractedText, extract_file

needs_pandoc = pytest.mark.skipif(
    shutil.which("pandoc") is None,
    reason="pandoc is not installed (deploy/tools/install-validators.sh installs it)",
)


def _sections(result: ExtractedText) -> list[tuple[str, int, str]]:
    return [(s.title, s.level, result.text[s.start : s.end]) for s in result.sections]


def test_libreoffice_text_box_is_read_once_and_notes_follow_the_body(files: Path) -> None:
    result = extract_file(files / "textbox_endnote.docx", "docx")
    assert result.text == (
        "Storage\n"
        "Batteries store the midday surplus.[i]\n"
        "Boxed remark about pumped hydro.\n"
        "After the box.\n"
        "Costs fell.[1]\n"
        "\n"
        "Footnotes\n"
        "[1] Prices of 2024.\n"
        "\n"
        "Endnotes\n"
        "[i] Source: grid operator report."
    )
    assert [(title, level) for title, level, _ in _sections(result)] == [
        ("Storage", 1),
        ("Footnotes", 1),
        ("Endnotes", 1),
    ]
    assert _sections(result)[2][2] == "Endnotes\n[i] Source: grid operator report."
    assert result.title == "Storage"


@needs_pandoc
def test_pandoc_footnotes_are_numbered_in_citation_order(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text(
        "---\ntitle: Solar Notes\n---\n\n# Rooftops\n\n"
        "Panels pay back within eight years.[^cost] Batteries add two more.[^battery]\n\n"
        "| Kind | Cost |\n|------|------|\n| Lithium | low |\n\n"
        "[^battery]: For a 10 kWh battery.\n[^cost]: Measured in Berlin, 2023.\n"
    )
    target = tmp_path / "notes.docx"
    subprocess.run(["pandoc", str(source), "-o", str(target)], check=True, timeout=60)
    result = extract_file(target, "docx")
    assert result.text == (
        "Solar Notes\n\n"
        "Rooftops\n"
        "Panels pay back within eight years.[1] Batteries add two more.[2]\n"
        "Kind; Cost\n"
        "Lithium; low\n"
        "\n"
        "Footnotes\n"
        "[1] Measured in Berlin, 2023.\n"
        "[2] For a 10 kWh battery."
    )
    assert result.title == "Solar Notes"
    assert [(title, level) for title, level, _ in _sections(result)] == [
        ("Rooftops", 1),
        ("Footnotes", 1),
    ]


def test_python_docx_headers_footers_and_comments_stay_out_of_the_text(tmp_path: Path) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Confidential running header"
    section.footer.paragraphs[0].text = "Page footer 2024"
    document.add_heading("Quarterly results", level=1)
    paragraph = document.add_paragraph("Revenue rose by ")
    run = paragraph.add_run("twelve percent")
    paragraph.add_run(".")
    document.add_comment(run, text="Check this figure", author="Reviewer")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Region", "Growth"), ("North", "12%")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_heading("Outlook", level=2)
    document.add_paragraph("Stable.")
    path = tmp_path / "results.docx"
    document.save(str(path))

    result = extract_file(path, "docx")
    assert result.text == (
        "Quarterly results\n"
        "Revenue rose by twelve percent.\n"
        "Region; Growth\n"
        "North; 12%\n"
        "\n"
        "Outlook\n"
        "Stable."
    )
    assert [(title, level) for title, level, _ in _sections(result)] == [
        ("Quarterly results", 1),
        ("Outlook", 2),
    ]
    assert result.notes == ["DOCX has 1 reviewer comment; they are not in the text"]
