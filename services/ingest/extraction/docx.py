"""DOCX (Office Open XML) text with zipfile and a streaming XML parse.

Declared sizes and compression ratios are checked before anything is inflated, so a zip
bomb fails without being expanded; reads are bounded as well because headers can lie. Any XML
part that declares a DTD is refused (see ``docx_xml``).

What is text: the body, then the footnotes and the endnotes as sections of their own. Headers
and footers are page furniture repeated on every page and stay out. Reviewers' comments stay
out too: they are remarks about a draft, not what the author wrote, and in the text they
would turn up in summaries and search snippets as if they were content; the notes of the
result say how many there were, so nobody is surprised. Deleted text of tracked changes is not
read, inserted text is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .builder import TextBuilder
from .docx_body import HEADING_NAME, NoteNumbers, PartReader, Sink, W
from .docx_notes import NotesSink, append_notes
from .docx_xml import iterparse, parse, read_part, refuse_dtds
from .limits import (
    MAX_DOCX_MEMBER_BYTES,
    MAX_DOCX_MEMBERS,
    MAX_DOCX_RATIO,
    MAX_DOCX_TOTAL_BYTES,
    MIB,
)
from .model import ExtractionError

_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_BODY = "word/document.xml"
_NOTE_PARTS = (("footnote", "word/footnotes.xml"), ("endnote", "word/endnotes.xml"))


class _BodySink(Sink):
    def __init__(self, builder: TextBuilder) -> None:
        self.builder = builder

    def block(self, text: str, level: int | None) -> None:
        if level is None:
            self.builder.add_block(text)
        elif level == 0:  # the document title, not a section of it
            self.builder.title = self.builder.title or " ".join(text.split())
            self.builder.add_block(text)
        else:
            self.builder.add_heading(text, level)


def extract_docx(path: Path) -> TextBuilder:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractionError("not a valid DOCX file (not a zip archive)") from None
    with archive:
        _check_bomb(archive)
        if _BODY not in archive.namelist():
            raise ExtractionError("not a valid DOCX file (word/document.xml missing)")
        try:
            refuse_dtds(archive)
            return _read(archive)
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ExtractionError(f"corrupt DOCX archive: {error}") from None


def _read(archive: zipfile.ZipFile) -> TextBuilder:
    builder = TextBuilder()
    numbers = NoteNumbers()
    reader = PartReader(_heading_styles(archive), numbers)
    body = read_part(archive, _BODY) or b""
    reader.read(iterparse(body, _BODY), _BodySink(builder))
    for kind, name in _NOTE_PARTS:
        data = read_part(archive, name)
        if data is not None:
            notes = NotesSink()
            reader.read(iterparse(data, name), notes)
            append_notes(builder, kind, notes.notes, numbers)
    comments = _comment_count(archive)
    if comments:
        plural = "comment" if comments == 1 else "comments"
        builder.notes.append(f"DOCX has {comments} reviewer {plural}; they are not in the text")
    core_title = _core_title(archive)
    if core_title:
        builder.title = core_title
    return builder


def _check_bomb(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_DOCX_MEMBERS:
        raise ExtractionError(f"DOCX has too many parts ({len(members)})")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MAX_DOCX_MEMBER_BYTES or (
            member.file_size > MIB and ratio > MAX_DOCX_RATIO
        ):
            raise ExtractionError(
                f"DOCX looks like a zip bomb: {member.filename} would inflate to "
                f"{member.file_size // MIB} MiB (ratio {ratio:.0f}:1)"
            )
    if total > MAX_DOCX_TOTAL_BYTES:
        raise ExtractionError(f"DOCX would inflate to {total // MIB} MiB in total")


def _heading_styles(archive: zipfile.ZipFile) -> dict[str, int]:
    """Map style ids to heading levels (0 = document title), using the style *names*,
    because ids are localised (a German Word writes "berschrift1")."""
    levels: dict[str, int] = {}
    data = read_part(archive, "word/styles.xml")
    if data is None:
        return levels
    for style in parse(data, "word/styles.xml").iter(f"{W}style"):
        style_id = style.get(f"{W}styleId") or ""
        name_element = style.find(f"{W}name")
        name = (name_element.get(f"{W}val") if name_element is not None else None) or style_id
        match = HEADING_NAME.match(name.strip())
        if match:
            levels[style_id] = int(match.group(1))
        elif name.strip().lower() == "title":
            levels[style_id] = 0
    return levels


def _comment_count(archive: zipfile.ZipFile) -> int:
    data = read_part(archive, "word/comments.xml")
    if data is None:
        return 0
    return sum(1 for _ in parse(data, "word/comments.xml").iter(f"{W}comment"))


def _core_title(archive: zipfile.ZipFile) -> str | None:
    data = read_part(archive, "docProps/core.xml")
    if data is None:
        return None
    element = parse(data, "docProps/core.xml").find(_DC_TITLE)
    text = (element.text or "").strip() if element is not None else ""
    return text[:300] or None
