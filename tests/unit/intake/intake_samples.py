"""Real bytes of each document kind (and of disguises), built in memory for the intake tests."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib

from services.gateway.intake import Inspection, IntakePolicy, UploadInspector
from services.gateway.intake.scanning import Scanner
from tests.data.make_fixtures import DOCX_CONTENT_TYPES, DOCX_RELS, assemble_pdf


def minimal_pdf(text: str = "Hello, SUM") -> bytes:
    """A valid one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return assemble_pdf(objects)


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes(paragraph: str = "Hello from a Word document.") -> bytes:
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p></w:body></w:document>"
    )
    return zip_bytes(
        {
            "[Content_Types].xml": DOCX_CONTENT_TYPES,
            "_rels/.rels": DOCX_RELS,
            "word/document.xml": body,
        }
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def elf_bytes() -> bytes:
    """The head of the running Python interpreter: a real executable."""
    with open(sys.executable, "rb") as executable:
        return executable.read(16 * 1024)


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


async def inspect(
    filename: str | None,
    data: bytes,
    *,
    declared: str | None = None,
    policy: IntakePolicy | None = None,
    scanner: Scanner | None = None,
    chunk_size: int = 1024,
) -> Inspection:
    inspector = UploadInspector(filename, declared, policy or IntakePolicy(), scanner)
    for chunk in split(data, chunk_size):
        await inspector.feed(chunk)
    return await inspector.finish()
