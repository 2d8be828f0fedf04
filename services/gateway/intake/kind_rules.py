"""How an upload's kind is decided from its file name and declared type (table: shared/kinds.py)."""

from __future__ import annotations

import posixpath
import unicodedata

from services.gateway.intake.refusals import InvalidFilename, MissingFilename, UnsupportedType
from shared.kinds import ALL_KINDS, DECLARED_TYPES, KIND_BY_EXTENSION, DocumentKind

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
        candidates = [k for k in ALL_KINDS if declared in DECLARED_TYPES[k]]
        if len(candidates) != 1:
            raise UnsupportedType(
                "the file name has no extension and the declared type does not name one kind",
                accepted=sorted(KIND_BY_EXTENSION),
            )
        kind = candidates[0]
    if declared not in _UNINFORMATIVE and declared not in DECLARED_TYPES[kind]:
        raise UnsupportedType(
            f"the declared type {declared!r} does not match a {kind} file name", declared=declared
        )
    return kind
