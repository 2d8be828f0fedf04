"""DOCX (Office Open XML) text with zipfile and a streaming XML parse.

Declared sizes and compression ratios are checked before anything is inflated, so a zip
bomb fails without being expanded; reads are bounded as well because headers can lie.
XML with a DOCTYPE is refused: Word never writes one, and it is the door to entity bombs.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from .builder import TextBuilder
from .limits import (
    MAX_DOCX_MEMBER_BYTES,
    MAX_DOCX_MEMBERS,
    MAX_DOCX_RATIO,
    MAX_DOCX_TOTAL_BYTES,
    MIB,
)
from .model import ExtractionError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_HEADING_NAME = re.compile(r"^(?:heading|überschrift|titre|título|titolo|kop)\s*(\d)$", re.I)


def extract_docx(path: Path) -> TextBuilder:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractionError("not a valid DOCX file (not a zip archive)") from None
    with archive:
        _check_bomb(archive)
        if "word/document.xml" not in archive.namelist():
            raise ExtractionError("not a valid DOCX file (word/document.xml missing)")
        try:
            headings = _heading_styles(archive)
            builder = _read_body(_read_xml(archive, "word/document.xml"), headings)
            core_title = _core_title(archive)
        except ElementTree.ParseError as error:
            raise ExtractionError(f"malformed DOCX XML: {error}") from None
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ExtractionError(f"corrupt DOCX archive: {error}") from None
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


def _read_xml(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        data = member.read(MAX_DOCX_MEMBER_BYTES + 1)
    if len(data) > MAX_DOCX_MEMBER_BYTES:
        raise ExtractionError(f"DOCX part {name} is too large")
    if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data[:65536]:
        raise ExtractionError(f"DOCX part {name} declares a DOCTYPE, which Word never writes")
    return data


def _heading_styles(archive: zipfile.ZipFile) -> dict[str, int]:
    """Map style ids to heading levels (0 = document title), using the style *names*,
    because ids are localised (a German Word writes "berschrift1")."""
    levels: dict[str, int] = {}
    if "word/styles.xml" not in archive.namelist():
        return levels
    root = ElementTree.fromstring(_read_xml(archive, "word/styles.xml"))
    for style in root.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId") or ""
        name_element = style.find(f"{_W}name")
        name = (name_element.get(f"{_W}val") if name_element is not None else None) or style_id
        match = _HEADING_NAME.match(name.strip())
        if match:
            levels[style_id] = int(match.group(1))
        elif name.strip().lower() == "title":
            levels[style_id] = 0
    return levels


def _core_title(archive: zipfile.ZipFile) -> str | None:
    if "docProps/core.xml" not in archive.namelist():
        return None
    root = ElementTree.fromstring(_read_xml(archive, "docProps/core.xml"))
    element = root.find(_DC_TITLE)
    text = (element.text or "").strip() if element is not None else ""
    return text[:300] or None


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _paragraph_level(paragraph: ElementTree.Element, headings: dict[str, int]) -> int | None:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    style_id = style.get(f"{_W}val") if style is not None else None
    if style_id is None:
        return None
    if style_id in headings:
        return headings[style_id]
    match = _HEADING_NAME.match(style_id)
    return int(match.group(1)) if match else None


def _read_body(xml: bytes, headings: dict[str, int]) -> TextBuilder:
    builder = TextBuilder()
    rows: list[list[str]] = []  # open table rows, innermost last (tables can nest)
    cells: list[list[str]] = []  # paragraphs of the open cells, innermost last
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_W}tr":
                rows.append([])
            elif tag == f"{_W}tc":
                cells.append([])
            continue
        if tag == f"{_W}p":
            text = _paragraph_text(element)
            if cells:
                cells[-1].append(text.strip())
            else:
                level = _paragraph_level(element, headings)
                if level is None:
                    builder.add_block(text)
                elif level == 0:  # the document title, not a section of it
                    builder.title = builder.title or " ".join(text.split())
                    builder.add_block(text)
                else:
                    builder.add_heading(text, level)
            element.clear()  # keeps memory flat on long documents
        elif tag == f"{_W}tc" and cells:
            cell = " ".join(part for part in cells.pop() if part)
            if rows:
                rows[-1].append(cell)
        elif tag == f"{_W}tr" and rows:
            row = "; ".join(cell for cell in rows.pop() if cell)
            if cells:
                cells[-1].append(row)
            else:
                builder.add_block(row)
    return builder
