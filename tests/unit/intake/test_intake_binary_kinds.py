import hashlib

import pytest
from intake_samples import (
    DOCX_CONTENT_TYPES,
    docx_bytes,
    elf_bytes,
    inspect,
    minimal_pdf,
    png_bytes,
    zip_bytes,
)

from services.gateway.intake import InvalidContent, UnsupportedType
from shared.kinds import DOCX_MIME


@pytest.mark.parametrize("chunk_size", [1, 7, 4096])
async def test_a_real_pdf_is_accepted_with_its_hash(chunk_size: int) -> None:
    pdf = minimal_pdf()
    result = await inspect("report.pdf", pdf, declared="application/pdf", chunk_size=chunk_size)
    assert result.kind == "pdf"
    assert result.detected_mime == "application/pdf"
    assert result.content_type == "application/pdf"
    assert result.size == len(pdf)
    assert result.sha256 == hashlib.sha256(pdf).hexdigest()
    assert result.encoding is None


async def test_a_large_pdf_is_sniffed_from_its_head() -> None:
    stream = b"q " * 200_000
    pdf = minimal_pdf().replace(b"startxref", b"% padding " + stream + b"\nstartxref")
    result = await inspect("big.pdf", pdf, chunk_size=65536)
    assert result.detected_mime == "application/pdf"


@pytest.mark.parametrize(
    ("disguise", "detected_prefix"),
    [
        (elf_bytes(), "application/x-"),
        (png_bytes(), "image/png"),
        (zip_bytes({"a.txt": "hello"}), "application/zip"),
        (b"just some words\n" * 100, "text/plain"),
    ],
)
async def test_a_pdf_name_on_other_content_is_a_415_naming_it(
    disguise: bytes, detected_prefix: str
) -> None:
    with pytest.raises(UnsupportedType) as caught:
        await inspect("invoice.pdf", disguise)
    assert caught.value.status == 415
    assert caught.value.extra["detected"].startswith(detected_prefix)
    assert detected_prefix in caught.value.detail


async def test_a_pdf_that_is_also_a_zip_is_refused_as_a_polyglot() -> None:
    polyglot = minimal_pdf() + zip_bytes({"payload.js": "alert(1)"})
    with pytest.raises(UnsupportedType) as caught:
        await inspect("innocent.pdf", polyglot, chunk_size=100)
    assert caught.value.extra["detected"] == "application/pdf+zip"


async def test_a_truncated_pdf_is_invalid_content() -> None:
    with pytest.raises(InvalidContent) as caught:
        await inspect("cut.pdf", minimal_pdf()[:-20])
    assert caught.value.status == 422
    assert "%%EOF" in caught.value.detail


@pytest.mark.parametrize("chunk_size", [1, 100, 65536])
async def test_a_real_docx_is_accepted(chunk_size: int) -> None:
    docx = docx_bytes("x" * 3000)
    result = await inspect("letter.docx", docx, declared=DOCX_MIME, chunk_size=chunk_size)
    assert result.kind == "docx"
    assert result.detected_mime == DOCX_MIME
    assert result.content_type == DOCX_MIME


async def test_a_zip_named_docx_without_a_word_body_is_a_415() -> None:
    fake = zip_bytes({"[Content_Types].xml": DOCX_CONTENT_TYPES, "xl/workbook.xml": "<x/>"})
    with pytest.raises(UnsupportedType) as caught:
        await inspect("sheet.docx", fake)
    assert caught.value.extra["detected"] == "application/zip"


async def test_a_docx_with_bytes_appended_is_invalid() -> None:
    with pytest.raises(InvalidContent, match="follows the end"):
        await inspect("letter.docx", docx_bytes() + b"trailing payload")


async def test_a_docx_with_bytes_prepended_is_refused() -> None:
    with pytest.raises(UnsupportedType):
        await inspect("letter.docx", b"MZ" + b"\x00" * 100 + docx_bytes())


async def test_a_pdf_named_docx_is_a_415() -> None:
    with pytest.raises(UnsupportedType) as caught:
        await inspect("letter.docx", minimal_pdf())
    assert caught.value.extra["detected"] == "application/pdf"
