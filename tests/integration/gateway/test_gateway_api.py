"""Uploads through the real gateway: stored, recorded, announced; refused precisely otherwise."""

import asyncio
import hashlib
import json

import pytest

from services.gateway.intake.scanning import EICAR_SIGNATURE
from shared.events import DocumentReceivedV1, decode
from tests.unit.intake.intake_samples import minimal_pdf

pytestmark = pytest.mark.integration


async def stream_messages(nc, gateway) -> int:
    info = await nc.jetstream().stream_info(gateway.names.documents_stream)
    return int(info.state.messages)


async def test_multipart_upload_stores_bytes_row_and_event_on_its_priority(gateway, key, nc):
    sub = await nc.subscribe(f"{gateway.namespace}.documents.received.v1.>")
    await nc.flush()
    async with gateway.client(key) as client:
        answer = await client.post(
            "/v1/documents",
            params={"priority": "high"},
            files={"file": ("notes.md", b"# Notes\n\nSome text.", "text/markdown")},
        )
        assert answer.status_code == 202, answer.text
        body = answer.json()
        message = await sub.next_msg(timeout=5)
        assert message.subject.endswith(".received.v1.high")
        event = decode(message.data, DocumentReceivedV1)
        assert event.document_id == body["id"] and event.kind == "md" and event.size == 19
        assert message.headers["Nats-Msg-Id"] == f"received:{body['id']}"
        store = await nc.jetstream().object_store(gateway.names.uploads_bucket)
        assert (await store.get(event.object_name)).data == b"# Notes\n\nSome text."
        view = (await client.get(f"/v1/documents/{body['id']}")).json()
    assert view["status"] == "received" and view["filename"] == "notes.md"
    assert view["priority"] == "high" and view["scan_status"] == "clean"


async def test_raw_body_upload_takes_its_name_from_the_query_or_content_disposition(
    gateway, key, nc
):
    pdf = minimal_pdf("raw body")
    async with gateway.client(key) as client:
        by_query = await client.post(
            "/v1/documents",
            params={"filename": "report.pdf"},
            content=pdf,
            headers={"Content-Type": "application/pdf"},
        )
        by_header = await client.post(
            "/v1/documents",
            content=b'{"a": [1, 2, 3]}',
            headers={
                "Content-Type": "application/json",
                "Content-Disposition": 'attachment; filename="data.json"',
            },
        )
    assert by_query.status_code == 202 and by_query.json()["kind"] == "pdf"
    assert by_query.json()["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert by_header.status_code == 202 and by_header.json()["filename"] == "data.json"


async def test_same_bytes_again_answer_the_existing_document_and_publish_nothing(gateway, key, nc):
    files = {"file": ("a.txt", b"exactly these bytes", "text/plain")}
    async with gateway.client(key) as client:
        first = await client.post("/v1/documents", files=files)
        before = await stream_messages(nc, gateway)
        again = await client.post(
            "/v1/documents", files={"file": ("b.txt", b"exactly these bytes")}
        )
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    assert await stream_messages(nc, gateway) == before


async def test_concurrent_identical_uploads_resolve_to_one_document(gateway, key, nc):
    async with gateway.client(key) as client:
        answers = await asyncio.gather(
            *(
                client.post("/v1/documents", files={"file": ("same.txt", b"raced upload bytes")})
                for _ in range(6)
            )
        )
    assert {a.status_code for a in answers} <= {200, 202}
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.status_code == 202 for a in answers) == 1
    store = await nc.jetstream().object_store(gateway.names.uploads_bucket)
    assert len([o for o in await store.list() if not o.deleted]) == 1


async def test_a_retried_post_with_the_same_idempotency_key_gets_the_first_answer(gateway, key):
    async with gateway.client(key) as client:
        first = await client.post(
            "/v1/documents",
            files={"file": ("v1.txt", b"first version")},
            headers={"Idempotency-Key": "order-42"},
        )
        retried = await client.post(
            "/v1/documents",
            files={"file": ("v2.txt", b"second version")},
            headers={"Idempotency-Key": "order-42"},
        )
        listing = (await client.get("/v1/documents")).json()
    assert first.status_code == retried.status_code == 202
    assert retried.json() == first.json() and retried.headers["Idempotent-Replayed"] == "true"
    assert len(listing["items"]) == 1


def problem_of(answer, status: int, slug: str) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["type"].endswith("/" + slug) and problem["status"] == status
    assert problem["detail"]
    return problem


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(2000)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(600)


@pytest.mark.parametrize(
    ("files", "status", "slug"),
    [
        ({"other": ("a.txt", b"x", "text/plain")}, 400, "missing-file"),
        ({"file": ("a.txt", b"", "text/plain")}, 400, "empty-file"),
        ({"file": ("", b"text", "text/plain")}, 400, "missing-filename"),
        ({"file": ("tool.exe", b"MZ", "application/octet-stream")}, 415, "unsupported-type"),
        ({"file": ("report.pdf", ELF, "application/pdf")}, 415, "unsupported-type"),
        ({"file": ("report.pdf", PNG, "application/pdf")}, 415, "unsupported-type"),
        ({"file": ("data.json", b'{"open": ', "application/json")}, 422, "invalid-content"),
        ({"file": ("rows.csv", b"a,b\n1,2,3\n", "text/csv")}, 422, "invalid-content"),
        ({"file": ("x.txt", b"hi " + EICAR_SIGNATURE, "text/plain")}, 422, "infected"),
    ],
)
async def test_refused_uploads_get_precise_problems_and_nothing_is_kept(
    gateway, key, nc, files, status, slug
):
    async with gateway.client(key) as client:
        answer = await client.post("/v1/documents", files=files)
        problem_of(answer, status, slug)
        assert (await client.get("/v1/documents")).json()["items"] == []
    assert await stream_messages(nc, gateway) == 0


async def test_a_disguised_pdf_names_what_was_detected(gateway, key):
    async with gateway.client(key) as client:
        answer = await client.post("/v1/documents", files={"file": ("r.pdf", ELF)})
    problem = problem_of(answer, 415, "unsupported-type")
    assert "executable" in json.dumps(problem).lower() or "elf" in json.dumps(problem).lower()


async def test_markdown_is_accepted_though_libmagic_calls_it_plain_text(gateway, key):
    async with gateway.client(key) as client:
        answer = await client.post("/v1/documents", files={"file": ("readme.md", b"Just words.")})
    assert answer.status_code == 202 and answer.json()["kind"] == "md"


async def test_health_metrics_and_schema_need_no_key(gateway):
    async with gateway.client() as client:
        assert (await client.get("/health/live")).json() == {"status": "ok"}
        ready = await client.get("/health/ready")
        assert ready.status_code == 200
        assert "sum_http_requests_total" in (await client.get("/metrics")).text
        schema = (await client.get("/schema/openapi.json")).json()
    assert {"/v1/documents", "/v1/documents/{document_id}"} <= set(schema["paths"])
    upload = schema["paths"]["/v1/documents"]["post"]
    assert {"multipart/form-data", "application/pdf"} <= set(upload["requestBody"]["content"])
