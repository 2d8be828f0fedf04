"""The document kinds SUM accepts: their file-name suffixes and MIME types.

A contract like the events: the gateway decides an upload's kind from it, sumctl labels the files
it sends with it, and the ``kind`` of every document event is one of ``ALL_KINDS``.
"""

from __future__ import annotations

from typing import Literal, get_args

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
DECLARED_TYPES: dict[DocumentKind, frozenset[str]] = {
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
