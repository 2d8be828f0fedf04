"""``extract_file``: pick the extractor for a kind, enforce size limits, fill in the metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .builder import TextBuilder
from .docx import extract_docx
from .encoding import read_text
from .html import extract_html
from .json_text import extract_json
from .language import detect_language
from .limits import MAX_FILE_BYTES, MAX_TEXT_CHARS, MIB
from .markdown import extract_markdown
from .model import ExtractedText, ExtractionError, Page, Section
from .pdf import extract_pdf
from .plain import extract_plain
from .tabular import extract_csv
from .words import count_words

KINDS = frozenset(MAX_FILE_BYTES)


def _from_text(parse: Callable[[str], TextBuilder], kind: str) -> Callable[[Path], TextBuilder]:
    def extract(path: Path) -> TextBuilder:
        text, _ = read_text(path, MAX_FILE_BYTES[kind])
        return parse(text)

    return extract


_EXTRACTORS: dict[str, Callable[[Path], TextBuilder]] = {
    "txt": _from_text(extract_plain, "txt"),
    "md": _from_text(extract_markdown, "md"),
    "html": _from_text(extract_html, "html"),
    "csv": extract_csv,
    "json": extract_json,
    "pdf": extract_pdf,
    "docx": extract_docx,
}


def extract_file(path: Path, kind: str) -> ExtractedText:
    """Extract the text of ``path`` as a document of ``kind`` (txt, md, csv, json, html, pdf,
    docx). Raises ExtractionError with a readable reason when the document cannot be read."""
    extractor = _EXTRACTORS.get(kind)
    if extractor is None:
        raise ExtractionError(f"unsupported document kind {kind!r}")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ExtractionError(f"cannot read file: {error.strerror}") from None
    if size > MAX_FILE_BYTES[kind]:
        raise ExtractionError(
            f"{kind.upper()} file is too large ({size / MIB:.0f} MiB; "
            f"the limit is {MAX_FILE_BYTES[kind] // MIB} MiB)"
        )
    try:
        builder = extractor(path)
    except RecursionError:
        raise ExtractionError(f"{kind.upper()} structure is nested too deeply") from None
    except UnicodeError as error:
        raise ExtractionError(f"cannot decode {kind.upper()} text: {error}") from None
    return _finish(builder)


def _finish(builder: TextBuilder) -> ExtractedText:
    text = builder.text()
    notes = list(builder.notes)
    truncated = builder.truncated
    sections = builder.sections()
    pages = builder.pages()
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        truncated = True
        notes.append(f"text cut at {MAX_TEXT_CHARS} characters")
        sections = [_clip(s, MAX_TEXT_CHARS) for s in sections if s.start < MAX_TEXT_CHARS]
        pages = [_clip(p, MAX_TEXT_CHARS) for p in pages if p.start < MAX_TEXT_CHARS]
    return ExtractedText(
        text=text,
        title=builder.title,
        sections=sections,
        pages=pages,
        language=detect_language(text),
        word_count=count_words(text),
        char_count=len(text),
        truncated=truncated,
        notes=notes,
    )


_Span = TypeVar("_Span", Section, Page)


def _clip(span: _Span, limit: int) -> _Span:
    span.end = min(span.end, limit)
    return span
