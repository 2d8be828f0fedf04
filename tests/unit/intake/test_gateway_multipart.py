from collections.abc import AsyncIterator

import pytest
from intake_samples import minimal_pdf, split

from services.gateway.http.multipart import (
    MalformedMultipart,
    MultipartLimits,
    MultipartReader,
    boundary_of,
)
from services.gateway.intake import IntakePolicy, UploadInspector

BOUNDARY = "----sumBoundary7MA4YWxkTrZu0gW"


def form(*parts: tuple[str, str | None, str | None, bytes], boundary: str = BOUNDARY) -> bytes:
    body = b""
    for name, filename, content_type, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if content_type:
            body += f"Content-Type: {content_type}\r\n".encode()
        body += b"\r\n" + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


async def stream_of(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def collect(body: bytes, chunk_size: int, **kwargs: object) -> list[tuple]:
    reader = MultipartReader(stream_of(split(body, chunk_size)), BOUNDARY, **kwargs)  # type: ignore[arg-type]
    parts = []
    async for part in reader:
        content = b"".join([chunk async for chunk in part.chunks()])
        parts.append((part.name, part.filename, part.content_type, content))
    return parts


# The file content contains CRLF and a near-boundary to tempt a naive parser.
FILE = b"line one\r\n--" + BOUNDARY[:-3].encode() + b"\r\n\r\nline three" * 50
BODY = form(
    ("title", None, None, "Rapport annuel — 2024".encode()), ("file", "r.txt", "text/plain", FILE)
)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 31, 64, 1000, 1 << 20])
async def test_parts_are_the_same_wherever_the_chunks_are_cut(chunk_size: int) -> None:
    parts = await collect(BODY, chunk_size)
    assert parts == [
        ("title", None, None, "Rapport annuel — 2024".encode()),
        ("file", "r.txt", "text/plain", FILE),
    ]


async def test_a_file_body_is_streamed_not_buffered() -> None:
    content = b"x" * (1 << 20)
    body = form(("file", "big.txt", "text/plain", content))
    reader = MultipartReader(stream_of(split(body, 65536)), BOUNDARY)
    sizes = []
    async for part in reader:
        sizes = [len(chunk) async for chunk in part.chunks()]
    assert sum(sizes) == len(content)
    assert len(sizes) >= 16 and max(sizes) <= 65536


async def test_an_unread_part_is_skipped_and_small_fields_are_read_whole() -> None:
    body = form(("ignored", "a.bin", None, b"\x00" * 5000), ("note", None, None, b"hello"))
    reader = MultipartReader(stream_of(split(body, 100)), BOUNDARY)
    texts = {}
    async for part in reader:
        if part.filename is None:
            texts[part.name] = await part.text(max_bytes=10)
    assert texts == {"note": "hello"}


async def test_a_pdf_upload_flows_from_multipart_into_the_inspector() -> None:
    pdf = minimal_pdf()
    body = form(("file", "report.pdf", "application/pdf", pdf))
    async for part in MultipartReader(stream_of(split(body, 97)), BOUNDARY):
        inspector = UploadInspector(part.filename, part.content_type, IntakePolicy(), None)
        async for chunk in part.chunks():
            await inspector.feed(chunk)
        result = await inspector.finish()
    assert result.kind == "pdf" and result.size == len(pdf)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (BODY[:-10], "Unexpected end"),
        (b"no boundary anywhere in this body", "Unexpected end"),
        (
            f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode(),
            "Content-Disposition",
        ),
        (f"--{BOUNDARY}\r\nX-Long: {'a' * 5000}\r\n\r\n".encode(), "header length"),
        (form(*[("f", None, None, b"v")] * 17), "segment count"),
    ],
)
async def test_malformed_bodies_are_a_clear_400(body: bytes, message: str) -> None:
    with pytest.raises(MalformedMultipart, match=message) as caught:
        await collect(body, 50)
    assert caught.value.status == 400
    assert caught.value.problem_type == "malformed-multipart"


async def test_limits_are_configurable() -> None:
    with pytest.raises(MalformedMultipart, match="segment count"):
        await collect(BODY, 50, limits=MultipartLimits(max_parts=1))


async def test_an_oversized_form_field_is_refused() -> None:
    body = form(("note", None, None, b"x" * 100))
    with pytest.raises(MalformedMultipart, match="longer than 10 bytes"):
        async for part in MultipartReader(stream_of([body]), BOUNDARY):
            await part.read(max_bytes=10)


def test_the_boundary_comes_from_the_content_type() -> None:
    assert boundary_of(f"multipart/form-data; boundary={BOUNDARY}") == BOUNDARY
    assert boundary_of('multipart/form-data; boundary="quoted b"') == "quoted b"


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "multipart/form-data", "multipart/form-data; boundary=" + "b" * 71],
)
def test_a_missing_or_bad_content_type_is_a_400(content_type: str | None) -> None:
    with pytest.raises(MalformedMultipart):
        boundary_of(content_type)
