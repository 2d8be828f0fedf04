"""What the first bytes of an upload really are, checked against the kind its name claims.

Binary kinds (PDF, DOCX) are confirmed with libmagic on a 4 KiB head: 0.03-0.1 ms per call, and
DOCX needs at least 2 KiB of head to be recognised. Text kinds are *not* sent to libmagic when
they look like text: its text classifier costs ~1-5 ms per call, which alone would cap a core at a
few hundred uploads per second. Text-ness is proven on every byte by ``content.text`` instead;
libmagic only names what a rejected non-text file really is.
"""

from __future__ import annotations

import magic

from services.gateway.intake.refusals import UnsupportedType
from shared.kinds import DOCX_MIME, TEXT_KINDS, DocumentKind

HEAD_BYTES = 4096
UNKNOWN_MIME = "application/octet-stream"

# Listed binary formats that can be pure ASCII, so the text check alone would let them through.
_TEXTUAL_FOREIGN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"%!PS", "application/postscript"),
    (b"{\\rtf", "text/rtf"),
)
_LEADING_SIGNATURE: dict[DocumentKind, bytes] = {"pdf": b"%PDF-", "docx": b"PK\x03\x04"}
# What libmagic may call a genuine file of each binary kind. A DOCX whose first entries libmagic
# does not look at is reported as a plain ZIP; the central-directory check then decides.
_LIBMAGIC_ACCEPTS: dict[DocumentKind, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    "docx": frozenset({DOCX_MIME, "application/zip"}),
}

# libmagic names some text formats application/*; they are text, not a disguise.
_TEXTUAL_APPLICATION_TYPES = frozenset(
    {"application/json", "application/xml", "application/javascript", "application/x-ndjson"}
)

# One cookie per process: loading the magic database costs milliseconds. python-magic serialises
# calls on it with its own lock.
_magic = magic.Magic(mime=True)


def libmagic_mime(data: bytes) -> str:
    try:
        return str(_magic.from_buffer(data)) or UNKNOWN_MIME
    except magic.MagicException:
        return UNKNOWN_MIME


def sniff_head(kind: DocumentKind, head: bytes) -> str:
    """The detected MIME type of ``head`` if it fits ``kind``; UnsupportedType otherwise."""
    if kind in TEXT_KINDS:
        for signature, mime in _TEXTUAL_FOREIGN_SIGNATURES:
            if head.startswith(signature):
                raise _mismatch(kind, mime)
        return "text/plain"
    detected = libmagic_mime(head)
    if not head.startswith(_LEADING_SIGNATURE[kind]) or detected not in _LIBMAGIC_ACCEPTS[kind]:
        raise _mismatch(kind, detected)
    return detected


def name_non_text(kind: DocumentKind, head: bytes) -> None:
    """Raise UnsupportedType naming the real type when a text-kind upload is another format."""
    detected = libmagic_mime(head)
    if not detected.startswith("text/") and detected not in _TEXTUAL_APPLICATION_TYPES:
        raise _mismatch(kind, detected)


def _mismatch(kind: DocumentKind, detected: str) -> UnsupportedType:
    return UnsupportedType(
        f"the file is named as {kind} but its content is {detected}",
        detected=detected,
        expected=kind,
    )
