"""The accepted document kinds and how a kind is decided from a file name and a declared type."""

from __future__ import annotations

import posixpath
import unicodedata
from typing import Literal, get_args

from shared.intake.errors import InvalidFilename, MissingFilename, UnsupportedType

DocumentKind = Literal["txt", "md", "csv", "json", "html", "pdf", "docx"]
ALL_KINDS: tuple[DocumentKind, ...] = get_args(DocumentKind)
TEXT_KINDS: frozenset[DocumentKind] = frozenset({"txt", "md", "csv", "json", "html"})

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The MIME type recorded for an accepted document of each kind.
CANONICAL_MIME: dict[DocumentKind, str] = {
    "txt": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "json": "application/json",
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": DOCX_MIME,
}

KIND_BY_EXTENSION: dict[str, DocumentKind] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}

# Declared Content-Types a client may honestly send for each kind. Browsers and OSes disagree:
# Windows labels CSV as Excel, many tools send text/plain for markdown and JSON.
_DECLARED: dict[DocumentKind, frozenset[str]] = {
    "txt": frozenset({"text/plain"}),
    "md": frozenset({"text/markdown", "text/x-markdown", "text/plain"}),
    "csv": frozenset(
        {"text/csv", "application/csv", "text/x-csv", "application/vnd.ms-excel", "text/plain"}
    ),
    "json": frozenset({"application/json", "text/json", "text/plain"}),
    "html": frozenset({"text/html", "application/xhtml+xml"}),
    "pdf": frozenset({"application/pdf", "application/x-pdf"}),
    "docx": frozenset({DOCX_MIME}),
}
# Types that say nothing about the content: they agree with every kind.
_UNINFORMATIVE = frozenset({"", "application/octet-stream", "binary/octet-stream"})

MAX_FILENAME_CHARS = 255


def clean_filename(filename: str | None) -> str:
    """The base name of an uploaded file, or a 400 when it is missing or unusable."""
    if filename is None or not filename.strip():
        raise MissingFilename("the upload must carry a file name")
    # Some browsers send a full client path ("C:\\fakepath\\a.pdf"); keep only the last part.
    name = posixpath.basename(filename.replace("\\", "/")).strip()
    if not name or name in {".", ".."}:
        raise MissingFilename("the upload must carry a file name")
    if len(name) > MAX_FILENAME_CHARS:
        raise InvalidFilename(f"the file name is longer than {MAX_FILENAME_CHARS} characters")
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in name):
        raise InvalidFilename("the file name contains control characters")
    return name


def media_type(content_type: str | None) -> str:
    """``text/csv; charset=utf-8`` → ``text/csv``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def decide_kind(filename: str, declared_type: str | None) -> DocumentKind:
    """The kind named by the extension (or, without one, by the declared type); both must agree."""
    declared = media_type(declared_type)
    extension = posixpath.splitext(filename)[1].lower()
    if extension:
        kind = KIND_BY_EXTENSION.get(extension)
        if kind is None:
            raise UnsupportedType(
                f"files ending in {extension!r} are not accepted",
                accepted=sorted(KIND_BY_EXTENSION),
            )
    else:
        candidates = [k for k in ALL_KINDS if declared in _DECLARED[k]]
        if len(candidates) != 1:
            raise UnsupportedType(
                "the file name has no extension and the declared type does not name one kind",
                accepted=sorted(KIND_BY_EXTENSION),
            )
        kind = candidates[0]
    if declared not in _UNINFORMATIVE and declared not in _DECLARED[kind]:
        raise UnsupportedType(
            f"the declared type {declared!r} does not match a {kind} file name", declared=declared
        )
    return kind
