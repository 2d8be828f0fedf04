import json

import pytest
from intake_samples import inspect

from services.gateway.intake import InvalidContent
from services.gateway.intake.content.json_doc import SPILL_BYTES


@pytest.mark.parametrize("chunk_size", [1, 3, 4096])
async def test_valid_json_is_accepted(chunk_size: int) -> None:
    document = json.dumps({"a": [1, 2.5, None, True], "ü": 'x"y'}, ensure_ascii=False).encode()
    result = await inspect("doc.json", b"\xef\xbb\xbf" + document, chunk_size=chunk_size)
    assert result.kind == "json"
    assert result.encoding == "utf-8"


@pytest.mark.parametrize(
    "broken", [b'{"a": [1, 2}', b'{"a": 1', b"[1, 2] trailing", b"   ", b'{"a": tru}']
)
async def test_malformed_json_is_invalid_content(broken: bytes) -> None:
    with pytest.raises(InvalidContent, match="not valid JSON"):
        await inspect("doc.json", broken)


async def test_json_must_be_utf8() -> None:
    with pytest.raises(InvalidContent, match="UTF-8"):
        await inspect("doc.json", '{"a": "café"}'.encode("latin-1"))


async def test_deep_nesting_is_invalid_not_a_crash() -> None:
    with pytest.raises(InvalidContent, match="not valid JSON"):
        await inspect("doc.json", b"[" * 100_000 + b"]" * 100_000, chunk_size=65536)


async def test_a_document_larger_than_the_spill_threshold_is_parsed_from_disk() -> None:
    rows = [{"id": i, "text": "lorem ipsum " * 4} for i in range(SPILL_BYTES // 40)]
    document = json.dumps(rows).encode()
    assert len(document) > SPILL_BYTES
    result = await inspect("big.json", document, chunk_size=65536)
    assert result.size == len(document)
    with pytest.raises(InvalidContent):
        await inspect("big.json", document[:-1], chunk_size=65536)
