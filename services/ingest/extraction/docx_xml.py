"""Reading the XML parts of a DOCX safely: bounded in size, and refused when they declare a DTD.

Word never writes a document type declaration, and a DTD is the door to entity expansion
(billion laughs) and external entities. The refusal is a parser setting, not a text search:
every XML part of the archive goes through expat with a handler that stops at the first
``<!DOCTYPE`` or entity declaration, in whatever encoding and after whatever padding; the parts
that are read for text are then parsed by defusedxml with DTDs forbidden as well.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as SafeTree

from .limits import MAX_DOCX_MEMBER_BYTES
from .model import ExtractionError

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_SCAN_CHUNK = 256 * 1024


class _Declared(Exception):
    pass


def _dtd_error(name: str) -> ExtractionError:
    return ExtractionError(f"DOCX part {name} declares a DTD, which Word never writes")


def _refuse(*_: object) -> int:
    raise _Declared


def refuse_dtds(archive: zipfile.ZipFile) -> None:
    """Fail the document if any XML part declares a DTD or an entity."""
    for member in archive.infolist():
        if member.filename.lower().endswith(_XML_SUFFIXES) and not member.is_dir():
            _scan(archive, member.filename)


def _scan(archive: zipfile.ZipFile, name: str) -> None:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        with archive.open(name) as member:
            for chunk in _bounded_chunks(member, name):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Declared:
        raise _dtd_error(name) from None
    except expat.ExpatError as error:
        raise ExtractionError(f"malformed DOCX XML in {name}: {error}") from None


def _bounded_chunks(member: IO[bytes], name: str) -> Iterator[bytes]:
    read = 0
    while chunk := member.read(_SCAN_CHUNK):
        read += len(chunk)
        if read > MAX_DOCX_MEMBER_BYTES:
            raise ExtractionError(f"DOCX part {name} is too large")
        yield chunk


def read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The bytes of a part (None when absent), never more than the per-part limit."""
    if name not in archive.namelist():
        return None
    with archive.open(name) as member:
        data = member.read(MAX_DOCX_MEMBER_BYTES + 1)
    if len(data) > MAX_DOCX_MEMBER_BYTES:
        raise ExtractionError(f"DOCX part {name} is too large")
    return data


def parse(data: bytes, name: str) -> Element:
    try:
        return SafeTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise _dtd_error(name) from None
    except SafeTree.ParseError as error:
        raise ExtractionError(f"malformed DOCX XML in {name}: {error}") from None


def iterparse(data: bytes, name: str) -> Iterator[tuple[str, Element]]:
    try:
        yield from SafeTree.iterparse(io.BytesIO(data), ("start", "end"), forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise _dtd_error(name) from None
    except SafeTree.ParseError as error:
        raise ExtractionError(f"malformed DOCX XML in {name}: {error}") from None
