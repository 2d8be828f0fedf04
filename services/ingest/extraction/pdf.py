"""PDF text per page with pypdf (pure Python; the worker's limits bound pathological files)."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from .builder import TextBuilder
from .limits import MAX_PDF_PAGES
from .model import ExtractionError

# pypdf logs a warning for every recoverable defect; a malformed file would flood the log.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def extract_pdf(path: Path) -> TextBuilder:
    try:
        return _extract(path)
    except ExtractionError:
        raise
    except MemoryError:
        raise
    except RecursionError:
        raise ExtractionError("PDF structure is nested too deeply") from None
    except Exception as error:  # pypdf raises many types on malformed input
        raise ExtractionError(f"unreadable PDF: {type(error).__name__}: {error}"[:300]) from None


def _open(path: Path, builder: TextBuilder) -> PdfReader:
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        # Many PDFs are "encrypted" only to restrict printing, with an empty user password:
        # those open without a password and are readable.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except (DependencyError, FileNotDecryptedError, NotImplementedError):
            opened = False
        if not opened:
            raise ExtractionError("PDF is encrypted")
        builder.notes.append("PDF is encrypted with an empty user password; read without one")
    return reader


def _extract(path: Path) -> TextBuilder:
    builder = TextBuilder()
    reader = _open(path, builder)
    page_count = len(reader.pages)
    for index, page in enumerate(reader.pages):
        if index >= MAX_PDF_PAGES:
            builder.truncated = True
            builder.notes.append(f"PDF has {page_count} pages; only the first {MAX_PDF_PAGES} read")
            break
        start = builder.start_page(index + 1)
        builder.add_block(page.extract_text() or "")
        builder.end_page(index + 1, start)
    if not builder.text().strip():
        raise ExtractionError("PDF has no extractable text (image-only?)")
    metadata = reader.metadata
    title = metadata.title if metadata is not None else None
    if isinstance(title, str) and title.strip():
        builder.title = title.strip()[:300]
    return builder
