"""PDF checks beyond the ``%PDF-`` header (checked by the sniffer): complete, and not also a ZIP."""

from __future__ import annotations

from services.gateway.intake.content.tail import TailWindow
from services.gateway.intake.content.zipdir import END_SEARCH_BYTES, find_zip_end
from services.gateway.intake.refusals import InvalidContent, UnsupportedType

# Readers accept the %%EOF marker anywhere in the last 1024 bytes (trailing junk is common).
EOF_MARKER_WINDOW = 1024
# Enough for a ZIP end record plus a central directory of ~1,000 entries.
TAIL_BYTES = END_SEARCH_BYTES + 64 * 1024


class PdfCheck:
    def __init__(self) -> None:
        self._tail = TailWindow(TAIL_BYTES)

    def feed(self, chunk: bytes) -> None:
        self._tail.push(chunk)

    def finish(self) -> None:
        _, tail = self._tail.tail()
        if b"%%EOF" not in tail[-EOF_MARKER_WINDOW:]:
            raise InvalidContent("the PDF is truncated: no %%EOF marker at its end")
        if find_zip_end(tail) is not None:
            raise UnsupportedType(
                "the file is both a PDF and a ZIP archive (a polyglot); upload a plain PDF",
                detected="application/pdf+zip",
            )

    def close(self) -> None:
        return None
