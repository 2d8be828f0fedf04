"""Answers' headers, request ids, the client's address behind proxies, and scanner outages."""

import logging

import pytest

from services.gateway.intake.scanning import EICAR_SIGNATURE
from tests.platform import free_port

pytestmark = pytest.mark.integration

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


async def test_every_answer_carries_security_headers_and_a_request_id(gateway, key):
    async with gateway.client(key) as client:
        answers = [
            await client.get("/v1/documents"),
            await client.get("/v1/documents/nope"),
            await client.get("/health/live"),
            await client.post("/v1/documents", files={"file": ("a.exe", b"MZ")}),
        ]
        echoed = await client.get("/v1/documents", headers={"X-Request-ID": "req-123"})
    async with gateway.client() as anonymous:
        answers.append(await anonymous.get("/v1/documents"))
    for answer in answers:
        for name, value in EXPECTED.items():
            assert answer.headers[name] == value, (answer.url, name)
        assert len(answer.headers["x-request-id"]) >= 16
    assert answers[0].headers["content-security-policy"].startswith("default-src 'none'")
    assert echoed.headers["x-request-id"] == "req-123"


async def infected_upload_origin(gateway, key, caplog, forwarded_for: str) -> str:
    caplog.clear()
    async with gateway.client(key, headers={"X-Forwarded-For": forwarded_for}) as client:
        answer = await client.post(
            "/v1/documents", files={"file": ("v.txt", b"x" + EICAR_SIGNATURE)}
        )
    assert answer.status_code == 422
    audit = [r for r in caplog.records if getattr(r, "audit", None) == "upload-infected"]
    assert len(audit) == 1
    return str(audit[0].origin)


async def test_forwarded_for_is_believed_only_from_trusted_proxies(gateway_factory, keys, caplog):
    caplog.set_level(logging.WARNING, "services.gateway.admission")
    key = await keys.create()
    direct = await gateway_factory()
    assert await infected_upload_origin(direct, key, caplog, "198.51.100.7") == "127.0.0.1"
    behind_proxy = await gateway_factory(trusted_proxies="127.0.0.0/8, 10.0.0.0/8")
    origin = await infected_upload_origin(behind_proxy, key, caplog, "198.51.100.7, 10.1.2.3")
    assert origin == "198.51.100.7"


async def test_scanner_outage_fails_closed_by_default_and_open_when_configured(
    gateway_factory, keys
):
    key = await keys.create()
    nobody = f"tcp://127.0.0.1:{free_port()}"
    closed = await gateway_factory(clamd_url=nobody, clamd_timeout="1")
    opened = await gateway_factory(clamd_url=nobody, clamd_timeout="1", scan_fail_open="true")
    async with closed.client(key) as client:
        refused = await client.post("/v1/documents", files={"file": ("a.txt", b"needs a scan")})
    async with opened.client(key) as client:
        accepted = await client.post("/v1/documents", files={"file": ("a.txt", b"needs a scan")})
    assert refused.status_code == 503 and refused.json()["type"].endswith("/scanner-unavailable")
    assert refused.headers["Retry-After"]
    assert accepted.status_code == 202 and accepted.json()["scan_status"] == "unscanned"
