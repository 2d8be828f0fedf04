"""Limits that protect the gateway and the pipeline: size, rate, concurrency, load shedding."""

import asyncio
from urllib.parse import urlsplit

import pytest
from prometheus_client import REGISTRY

from shared.events import DocumentReceivedV1
from shared.messaging.topology import ensure_topology
from tests.conftest import wait_for
from tests.platform import free_port

pytestmark = pytest.mark.integration


async def open_upload(gateway, key: str, head: bytes, *, length: int | None, path: str):
    """Start a raw-body upload by hand: headers and ``head`` only, the rest never sent."""
    address = urlsplit(gateway.url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: text/plain\r\n{framing}\r\n\r\n"
        ).encode()
    )
    if length is None:
        writer.write(b"%x\r\n%s\r\n" % (len(head), head))
    else:
        writer.write(head)
    await writer.drain()
    return reader, writer


async def read_status(reader) -> tuple[int, bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    return int(head.split()[1]), head


async def test_too_large_is_answered_at_once_without_reading_the_rest(gateway_factory, keys):
    gateway = await gateway_factory(upload_limits="txt=1000")
    key = await keys.create()
    # Announced too large: refused before a byte of the body is read.
    reader, writer = await open_upload(
        gateway, key, b"", length=10**9, path="/v1/documents?filename=a.txt"
    )
    status, _ = await read_status(reader)
    body = await asyncio.wait_for(reader.read(4096), 5)
    writer.close()
    assert status == 413 and b"1000" in body and b"too-large" in body
    # Streamed (chunked) past the limit: refused as soon as the limit is crossed, while the
    # client still holds the connection open with more to send.
    reader, writer = await open_upload(
        gateway, key, b"x" * 1500, length=None, path="/v1/documents?filename=b.txt"
    )
    status, _ = await read_status(reader)
    writer.close()
    assert status == 413


async def test_rate_limit_per_key_answers_429_with_headers(gateway_factory, keys):
    gateway = await gateway_factory(rate_limit_reads="3/min")
    first, second = await keys.create(), await keys.create()
    async with gateway.client(first) as client:
        allowed = [await client.get("/v1/documents") for _ in range(3)]
        refused = await client.get("/v1/documents")
    assert all(a.status_code == 200 for a in allowed)
    assert allowed[0].headers["RateLimit-Limit"] == "3"
    assert [a.headers["RateLimit-Remaining"] for a in allowed] == ["2", "1", "0"]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["type"].endswith("/rate-limited")
    async with gateway.client(second) as client:  # another key has its own budget
        assert (await client.get("/v1/documents")).status_code == 200


def fail_open_total() -> float:
    return REGISTRY.get_sample_value("sum_ratelimit_fail_open_total") or 0.0


async def test_without_redis_the_gateway_keeps_serving_and_counts_it(gateway_factory, keys):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    gateway = await gateway_factory(redis_url=dead_redis)
    key = await keys.create()
    before = fail_open_total()
    async with gateway.client(key) as client:
        listed = await client.get("/v1/documents")
        uploaded = await client.post("/v1/documents", files={"file": ("a.txt", b"no redis")})
    assert listed.status_code == 200 and uploaded.status_code == 202
    assert fail_open_total() >= before + 2


async def test_fail_closed_rate_limiting_refuses_without_redis(gateway_factory, keys):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    gateway = await gateway_factory(redis_url=dead_redis, rate_limit_fail_open="false")
    async with gateway.client(await keys.create()) as client:
        answer = await client.get("/v1/documents")
    assert answer.status_code == 503 and "Retry-After" in answer.headers


async def test_uploads_beyond_the_concurrency_cap_get_503_at_once(gateway_factory, keys):
    gateway = await gateway_factory(max_concurrent_uploads="1")
    key = await keys.create()
    reader, writer = await open_upload(
        gateway, key, b"slow ", length=100, path="/v1/documents?filename=slow.txt"
    )
    async with gateway.client(key) as client:

        async def refused():
            answer = await client.post("/v1/documents", files={"file": ("b.txt", b"second")})
            return answer if answer.status_code == 503 else None

        answer = await wait_for(refused, timeout=10)
        assert answer.headers["Retry-After"] and answer.json()["type"].endswith("/too-many-uploads")
        writer.write(b"y" * 95)
        await writer.drain()
        status, _ = await read_status(reader)
        writer.close()
        assert status == 202
        after = await client.post("/v1/documents", files={"file": ("c.txt", b"third")})
    assert after.status_code == 202


async def test_backlog_sheds_low_priority_first_and_high_last(gateway_factory, keys, nc):
    gateway = await gateway_factory(
        shed_backlog_low="3", shed_backlog_normal="1000", shed_backlog_high="5000"
    )
    key = await keys.create()
    # The ingest consumers exist (as when ingest has started once) but nothing consumes.
    await ensure_topology(nc.jetstream(), gateway.names, stages=("ingest",))
    async with gateway.client(key) as client:
        for n in range(3):  # these stay pending for ingest
            queued = await client.post("/v1/documents", files={"file": (f"{n}.txt", b"q%d" % n)})
            assert queued.status_code == 202

        accepted_low = 0

        async def low_refused():
            nonlocal accepted_low
            answer = await client.post(
                "/v1/documents",
                params={"priority": "low"},
                files={"file": ("l.txt", b"low %d" % accepted_low)},
            )
            accepted_low += answer.status_code == 202  # before the backlog was first seen
            return answer if answer.status_code == 503 else None

        refused = await wait_for(low_refused, timeout=10)
        high = await client.post(
            "/v1/documents", params={"priority": "high"}, files={"file": ("h.txt", b"high")}
        )
    assert refused.json()["type"].endswith("/pipeline-busy") and refused.headers["Retry-After"]
    assert high.status_code == 202
    subject = gateway.names.subject(DocumentReceivedV1, "low")
    info = await nc.jetstream().stream_info(gateway.names.documents_stream, subjects_filter=subject)
    # Refused uploads were never published.
    assert (info.state.subjects or {}).get(subject, 0) == accepted_low


async def test_memory_pressure_sheds_low_priority_before_high(gateway_factory, keys):
    gateway = await gateway_factory(shed_memory_low_mb="1", shed_memory_high_mb="100000")
    async with gateway.client(await keys.create()) as client:
        low = await client.post(
            "/v1/documents", params={"priority": "low"}, files={"file": ("l.txt", b"low")}
        )
        high = await client.post(
            "/v1/documents", params={"priority": "high"}, files={"file": ("h.txt", b"high")}
        )
    assert low.status_code == 503 and low.json()["type"].endswith("/gateway-busy")
    assert high.status_code == 202


async def test_a_multipart_file_over_the_limit_is_refused_mid_stream(gateway_factory, keys):
    gateway = await gateway_factory(upload_limits="txt=1000")
    key = await keys.create()
    address = urlsplit(gateway.url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    part = (
        b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + b"x" * 1500
    )
    writer.write(
        f"POST /v1/documents HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {key}\r\n"
        "Content-Type: multipart/form-data; boundary=b0undary\r\n"
        "Transfer-Encoding: chunked\r\n\r\n".encode()
        + b"%x\r\n%s\r\n" % (len(part), part)
    )
    await writer.drain()
    # The closing boundary never comes: the answer must not wait for the rest of the form.
    status, _ = await read_status(reader)
    writer.close()
    assert status == 413


async def test_a_large_upload_is_never_held_in_memory(gateway_factory, keys):
    import tracemalloc

    gateway = await gateway_factory(upload_limits="txt=40000000")
    key = await keys.create()
    line = b"plain words on a line of text for the memory test\n"
    chunk = line * (65536 // len(line))
    chunks = 24_000_000 // len(chunk)

    async def body():
        for n in range(chunks):
            yield chunk[:-8] + b"%07d\n" % n

    tracemalloc.start()
    try:
        async with gateway.client(key) as client:
            answer = await client.post(
                "/v1/documents",
                params={"filename": "big.txt"},
                content=body(),
                headers={"Content-Type": "text/plain"},
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code == 202, answer.text
    assert answer.json()["size"] == chunks * len(chunk)
    assert peak < 8 * 2**20, f"peak traced memory {peak / 2**20:.1f} MiB for a 24 MB upload"
