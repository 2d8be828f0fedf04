import pytest
from intake_samples import elf_bytes, inspect, minimal_pdf, png_bytes

from services.gateway.intake import BinaryContent, InvalidContent, UnsupportedType

MARKDOWN = "# Título\n\nSome *markdown* with a [link](https://example.org).\n\n- item\n".encode()


async def test_markdown_is_accepted_as_markdown() -> None:
    result = await inspect("notes.md", MARKDOWN, declared="text/markdown")
    assert result.kind == "md"
    assert result.content_type == "text/markdown"
    assert result.encoding == "utf-8"


async def test_html_and_plain_text_are_accepted() -> None:
    html = await inspect("page.html", b"<!doctype html><html><body><p>Hi</p></body></html>")
    assert html.content_type == "text/html"
    text = await inspect("a.txt", b"plain words\twith tabs\r\nand CRLF\x0c\n")
    assert text.detected_mime == "text/plain"


async def test_a_multibyte_character_split_across_chunks_is_fine() -> None:
    text = ("naïve café — 日本語 " * 300).encode()
    result = await inspect("a.txt", text, chunk_size=1)
    assert result.encoding == "utf-8"


async def test_legacy_8bit_text_is_accepted_and_labelled() -> None:
    result = await inspect("old.txt", "Grüße aus Köln\n".encode("cp1252"))
    assert result.encoding == "windows-1252"


async def test_a_text_file_ending_inside_a_character_is_labelled_8bit() -> None:
    result = await inspect("cut.txt", "café".encode()[:-1])
    assert result.encoding == "windows-1252"


async def test_binary_bytes_after_the_head_are_invalid_content_with_their_offset() -> None:
    data = b"a" * 10_000 + b"\x00\x01" + b"b" * 100
    with pytest.raises(InvalidContent) as caught:
        await inspect("a.txt", data)
    assert caught.value.extra["offset"] == 10_000
    assert caught.value.status == 422


@pytest.mark.parametrize(
    ("name", "disguise", "detected_prefix"),
    [
        ("readme.txt", elf_bytes(), "application/x-"),
        ("table.csv", png_bytes(), "image/png"),
        ("doc.md", minimal_pdf(), "application/pdf"),
    ],
)
async def test_a_text_name_on_another_format_is_a_415_naming_it(
    name: str, disguise: bytes, detected_prefix: str
) -> None:
    with pytest.raises(UnsupportedType) as caught:
        await inspect(name, disguise, chunk_size=512)
    assert caught.value.extra["detected"].startswith(detected_prefix)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
async def test_utf16_text_with_a_byte_order_mark_is_text(codec: str) -> None:
    data = "\ufeffGrüße aus der Stadt.\n".encode(codec)
    if codec == "utf-16":
        data = data[2:]  # the codec wrote its own BOM before ours
    inspection = await inspect("a.txt", data, chunk_size=5)
    assert inspection.encoding.startswith("utf-16")


async def test_utf16_json_and_binary_utf16_get_clear_messages() -> None:
    with pytest.raises(InvalidContent, match="UTF-8"):
        await inspect("a.json", '{"a": 1}'.encode("utf-16"))
    with pytest.raises(BinaryContent):
        await inspect("a.txt", "ok\x00\x01binary".encode("utf-16"))
