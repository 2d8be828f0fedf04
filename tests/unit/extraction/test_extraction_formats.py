"""Each supported kind yields its known text, structure and metadata."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from services.ingest.extraction import ExtractedText, ExtractionError, extract_file


def _section_titles_match_text(result: ExtractedText) -> None:
    for section in result.sections:
        assert result.text[section.start : section.end].startswith(section.title)
        assert 0 <= section.start <= section.end <= len(result.text)


def test_plain_text_keeps_paragraphs_and_counts_words(files: Path) -> None:
    result = extract_file(files / "solar.txt", "txt")
    assert result.text.startswith("Solar Power in Cities\n\nPhotovoltaic panels convert")
    assert "Dr. Maria Keller" in result.text
    assert result.word_count == len(result.text.split())
    assert result.char_count == len(result.text)
    assert result.language == "en"
    assert not result.truncated


def test_markdown_syntax_is_stripped_and_headings_become_sections(files: Path) -> None:
    result = extract_file(files / "guide.md", "md")
    text = result.text
    assert "Solar panels convert sunlight into electricity, see the guide." in text
    assert "Modules got cheaper every year." in text
    assert "Modules; 30%" in text
    assert 'print("code stays as text")' in text
    assert "Quoted storage advice." in text
    for syntax in ("**", "](", "```", "#", "|---", "author: test", "> "):
        assert syntax not in text
    assert [(s.title, s.level) for s in result.sections] == [
        ("Solar Guide", 1),
        ("Costs", 2),
        ("Setext Heading", 2),
    ]
    assert result.title == "Solar Guide"
    _section_titles_match_text(result)


def test_html_drops_page_chrome_and_keeps_title_and_headings(files: Path) -> None:
    result = extract_file(files / "storage.html", "html")
    assert result.title == "Solar & Storage"
    assert result.text == (
        "Solar Storage\nBatteries store solar power for the evening.\nThey are cheap now.\n\n"
        "Options\nLithium batteries\nPumped hydro\nKind; Cost\nLithium; low"
    )
    assert [(s.title, s.level) for s in result.sections] == [("Solar Storage", 1), ("Options", 2)]
    _section_titles_match_text(result)


@pytest.mark.parametrize("name", ["people.csv", "people_semicolon.csv"])
def test_csv_rows_read_as_named_fields(files: Path, name: str) -> None:
    result = extract_file(files / name, "csv")
    lines = result.text.splitlines()
    assert lines[0] == "name: Alice; age: 31; city: Berlin"
    assert lines[1].startswith("name: Bob; age: 42; city: Paris")
    assert len(lines) == 2


def test_large_csv_is_sampled_reproducibly_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("id,label\n" + "".join(f"{i},row {i}\n" for i in range(20_000)))
    first = extract_file(path, "csv")
    assert first.truncated
    assert "20000 data rows" in first.notes[0]
    lines = first.text.splitlines()
    assert len(lines) == 4_000
    assert lines[:2] == ["id: 0; label: row 0", "id: 1; label: row 1"]
    sampled_ids = [int(line.split(";")[0].removeprefix("id: ")) for line in lines[2000:]]
    assert sampled_ids == sorted(sampled_ids) and sampled_ids[-1] > 15_000
    assert extract_file(path, "csv").text == first.text


def test_json_values_carry_their_key_paths(files: Path) -> None:
    result = extract_file(files / "report.json", "json")
    lines = result.text.splitlines()
    assert "items[0].title: Hello" in lines
    assert "items[1].watts: 400" in lines
    assert "meta.tags[1]: grid" in lines
    assert "items[2].note: line" in lines  # an escaped newline inside the value
    assert result.title == "Solar report"
    assert "draft" not in result.text and "empty" not in result.text


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"a": [1, 2,]}', "malformed JSON"),
        ('{"a" 1}', "malformed JSON"),
        ('{"a": 1', "unexpected end"),
        ("[1] [2]", "malformed JSON"),
    ],
)
def test_malformed_json_fails_with_a_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ExtractionError, match=reason):
        extract_file(path, "json")


def test_pdf_text_comes_per_page_with_metadata_title(files: Path) -> None:
    result = extract_file(files / "solar.pdf", "pdf")
    assert [page.number for page in result.pages] == [1, 2]
    first, second = (result.text[p.start : p.end] for p in result.pages)
    assert "Photovoltaic panels convert sunlight directly into electricity" in first
    assert second == "Page two talks about batteries."
    assert result.title == "Solar PDF"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("encrypted.pdf", "PDF is encrypted"),
        ("image_only.pdf", r"PDF has no extractable text \(image-only\?\)"),
        ("broken.pdf", "unreadable PDF"),
        ("broken.docx", "not a valid DOCX"),
    ],
)
def test_unreadable_documents_fail_with_a_reason(files: Path, name: str, reason: str) -> None:
    with pytest.raises(ExtractionError, match=reason):
        extract_file(files / name, name.rsplit(".", 1)[1])


def test_docx_paragraphs_headings_and_tables(files: Path) -> None:
    result = extract_file(files / "storage.docx", "docx")
    assert result.title == "Solar Storage Report"
    assert "Batteries store solar power for the evening." in result.text
    assert "Prices fell by 90 percent & more." in result.text
    assert "Kind; Cost\nLithium; low" in result.text
    assert [(s.title, s.level) for s in result.sections] == [
        ("Introduction", 1),
        ("Costs", 2),
        ("Outlook", 1),
    ]
    _section_titles_match_text(result)
    costs = result.sections[1]
    assert "Lithium; low" in result.text[costs.start : costs.end]
    assert "Storage will grow" not in result.text[costs.start : costs.end]


def test_unknown_kind_and_missing_file_fail_cleanly(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="unsupported document kind"):
        extract_file(tmp_path / "x.exe", "exe")
    with pytest.raises(ExtractionError, match="cannot read file"):
        extract_file(tmp_path / "missing.txt", "txt")


def test_generator_reproduces_the_committed_fixtures(
    tmp_path: Path, files: Path, make_fixtures: ModuleType
) -> None:
    make_fixtures.write_all(tmp_path)
    for kind, name in (("txt", "solar.txt"), ("pdf", "solar.pdf"), ("docx", "storage.docx")):
        assert extract_file(tmp_path / name, kind) == extract_file(files / name, kind)


def test_csv_field_over_the_limit_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "field.csv"
    line = "x" * 100_000 + "\n"
    path.write_text('id,text\n1,"' + line * 12 + '"\n')  # one quoted field of ~1.2 MB
    with pytest.raises(ExtractionError, match="malformed CSV: field larger than field limit"):
        extract_file(path, "csv")


def test_json_string_over_the_limit_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    path.write_text('{"a": "' + "x" * (9 * 1024 * 1024) + '"}')
    with pytest.raises(ExtractionError, match="JSON value longer than 8 MiB"):
        extract_file(path, "json")


def test_json_large_array_is_capped_with_a_note(tmp_path: Path) -> None:
    from services.ingest.extraction.limits import MAX_TEXT_CHARS

    path = tmp_path / "big.json"
    record = '{"title": "' + "word " * 40 + '"},'
    path.write_text("[" + record * (MAX_TEXT_CHARS // 200 + 10) + "{}]")
    result = extract_file(path, "json")
    assert result.truncated and "capped" in result.notes[0]
    assert result.text.startswith("[0].title: word word")
