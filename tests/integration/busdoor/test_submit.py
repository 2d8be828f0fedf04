"""Submitting over NATS to the in-process gateway: answers, stored documents, relayed results."""

import uuid

import msgspec
import pytest

from services.gateway.busdoor.metadata import PgMetadata
from shared.events import (
    DocumentReceivedV1,
    InlineBytes,
    InlineText,
    Names,
    ObjectReference,
    SubmitDocumentV1,
)
from shared.events.submission import INLINE_CONTENT_LIMIT
from tests.integration.busdoor.submitting import request, unique_text

pytestmark = pytest.mark.integration

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


async def test_inline_text_is_accepted_stored_and_followed_per_tenant(
    gateway, nc, namespace: str, pool
) -> None:
    results = await nc.subscribe(f"{namespace}.tenants.acme.documents.>")
    await nc.flush()
    submission = SubmitDocumentV1(
        filename="harbor.txt",
        content=InlineText(unique_text("harbor")),
        priority="high",
        idempotency_key=f"harbor-{uuid.uuid4().hex}",
        metadata={"source": "crm", "ticket": "42"},
    )
    reply = await request(nc, namespace, "acme", submission)
    assert reply.status == "accepted", reply
    assert reply.document_id and reply.size and reply.idempotency_key == submission.idempotency_key
    assert reply.results == f"{namespace}.tenants.acme.documents.{reply.document_id}"

    relayed = await results.next_msg(timeout=5)
    assert relayed.subject == f"{reply.results}.received.v1"
    event = msgspec.json.decode(relayed.data, type=DocumentReceivedV1)
    assert event.tenant == "acme" and event.priority == "high" and event.kind == "txt"

    row = await pool.fetchrow(
        "SELECT tenant, status FROM documents WHERE id = $1", event.document_id
    )
    assert row["tenant"] == "acme"
    assert await PgMetadata(pool).recall(reply.document_id) == {"source": "crm", "ticket": "42"}

    again = await request(nc, namespace, "acme", submission)
    assert again.status == "duplicate" and again.document_id == reply.document_id


async def test_base64_bytes_and_object_references_are_accepted(gateway, nc, namespace) -> None:
    text = unique_text("glacier").encode()
    inline = SubmitDocumentV1(filename="glacier.md", content=InlineBytes(text))
    reply = await request(nc, namespace, "acme", inline)
    assert reply.status == "accepted" and reply.size == len(text)

    store = await nc.jetstream().object_store(Names(namespace).uploads_bucket)
    await store.put("incoming/acme/meadow.txt", unique_text("meadow").encode())
    by_reference = SubmitDocumentV1(
        filename="meadow.txt", content=ObjectReference("incoming/acme/meadow.txt")
    )
    reply = await request(nc, namespace, "acme", by_reference)
    assert reply.status == "accepted", reply


BAD_INPUT = [
    (b"{not json", "v1", "malformed-message"),
    (b'{"filename": "a.txt"}', "v1", "malformed-message"),
    (
        b'{"filename": "a.txt", "content": {"source": "ftp", "url": "x"}}',
        "v1",
        "malformed-message",
    ),
    (
        msgspec.json.encode(SubmitDocumentV1(filename="a.txt", content=InlineText("hi"))),
        "v2",
        "unknown-version",
    ),
    (
        msgspec.json.encode(
            SubmitDocumentV1(filename="a.txt", content=InlineText("x" * (INLINE_CONTENT_LIMIT + 1)))
        ),
        "v1",
        "too-large",
    ),
    (
        msgspec.json.encode(
            SubmitDocumentV1(filename="a.txt", content=ObjectReference("incoming/acme/none"))
        ),
        "v1",
        "object-missing",
    ),
    (
        msgspec.json.encode(
            SubmitDocumentV1(filename="a.txt", content=ObjectReference("incoming/globex/x"))
        ),
        "v1",
        "foreign-object",
    ),
    (
        msgspec.json.encode(
            SubmitDocumentV1(filename="a.txt", content=ObjectReference("acme/some-document"))
        ),
        "v1",
        "foreign-object",
    ),
    (
        msgspec.json.encode(SubmitDocumentV1(filename="tool.exe", content=InlineBytes(b"MZ"))),
        "v1",
        "unsupported-type",
    ),
    (
        msgspec.json.encode(SubmitDocumentV1(filename="eicar.txt", content=InlineBytes(EICAR))),
        "v1",
        "infected",
    ),
    (
        msgspec.json.encode(SubmitDocumentV1(filename="empty.txt", content=InlineText(""))),
        "v1",
        "empty-file",
    ),
    (
        b'{"filename": "a.txt", "content": {"source": "base64", "data": "%%%"}}',
        "v1",
        "malformed-message",
    ),
]


async def test_bad_input_gets_a_clear_rejection(gateway, nc, namespace) -> None:
    # One gateway for every case: starting one per case would cost a second each.
    for payload, version, problem_type in BAD_INPUT:
        reply = await request(nc, namespace, "acme", payload, version=version)
        assert reply.status == "rejected", (payload[:60], reply)
        assert reply.problem_type == problem_type, (payload[:60], reply)
        assert reply.reason and not reply.retryable and reply.document_id is None


async def test_asyncapi_document_is_served(gateway) -> None:
    answer = await gateway.get("/asyncapi.yaml")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/yaml")
    assert answer.text.startswith("asyncapi: 3.0.0")
