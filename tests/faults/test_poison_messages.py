"""Scenario 5: poison published straight to the subjects, amid 300 good documents.

Invalid payloads, events for documents that do not exist, a document whose bytes are missing,
and documents every handler fails on (an injected fault for one tenant). Exactly these end in the
dead-letter stream; their documents are ``failed`` with a reason; the good ones are unaffected.
"""

import uuid
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from shared.events import DocumentIngestedV1, DocumentReceivedV1
from shared.messaging.publisher import EventPublisher
from tests.faults.pipeline import Stopwatch, dead_letters, upload_many, verdict
from tests.faults.rig import rig

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]

POISONED_TENANT = "poisoned"
MAX_DELIVER = 4


def received(document_id: str, tenant: str = "default") -> DocumentReceivedV1:
    return DocumentReceivedV1(
        document_id=document_id,
        tenant=tenant,
        filename="x.txt",
        content_type="text/plain",
        kind="txt",
        size=5,
        sha256="0" * 64,
        object_name=f"{tenant}/{document_id}",
        received_at=datetime.now(UTC),
    )


async def insert_row(pool, document_id: str, tenant: str) -> None:
    await pool.execute(
        """INSERT INTO documents (id, tenant, filename, content_type, kind, size_bytes, sha256,
                                  object_name)
           VALUES ($1, $2, 'x.txt', 'text/plain', 'txt', 5, $3, $4)""",
        document_id,
        tenant,
        document_id.replace("-", "").ljust(64, "0"),  # digests are unique per tenant
        f"{tenant}/{document_id}",
    )


async def test_poison_messages_are_dead_lettered_and_nothing_else(tmp_path) -> None:
    env = {"SUM_FAULT_FAIL_TENANT": POISONED_TENANT, "SUM_MAX_DELIVER": str(MAX_DELIVER)}
    async with rig("poison-messages", tmp_path, env=env) as r:
        total = Stopwatch()
        publisher = EventPublisher(r.js)
        received_subject = r.names.subject(DocumentReceivedV1, "normal")
        ingested_subject = r.names.subject(DocumentIngestedV1, "normal")
        expected: Counter[tuple[str, str]] = Counter()
        for n in range(3):
            await publisher.publish_raw(received_subject, b"{not json", f"garbage-r{n}")
            await publisher.publish_raw(ingested_subject, b'{"document_id": 7}', f"garbage-i{n}")
            await publisher.publish(received_subject, received(str(uuid.uuid4())), f"ghost-{n}")
        expected[("ingest", "UndecodableMessage")] = 3
        expected[("processor", "UndecodableMessage")] = 3
        expected[("ingest", "UnknownDocument")] = 3
        failing: set[str] = set()
        for n in range(3):  # rows whose bytes never reached the bucket
            document_id = str(uuid.uuid4())
            await insert_row(r.pool, document_id, "default")
            await publisher.publish(received_subject, received(document_id), f"nobytes-{n}")
            failing.add(document_id)
        expected[("ingest", "ObjectMissing")] = 3
        poisoned: set[str] = set()
        for n in range(3):  # every stage fails on these, every time
            document_id = str(uuid.uuid4())
            await insert_row(r.pool, document_id, POISONED_TENANT)
            await publisher.publish(
                received_subject, received(document_id, POISONED_TENANT), f"poisoned-{n}"
            )
            poisoned.add(document_id)
        expected[("ingest", "RuntimeError")] = 3

        accepted, sent = await upload_many(
            r.platform.url("gateway"), range(300), api_key=r.platform.api_key
        )
        r.figures.sent = sent + sum(expected.values())
        await verdict(
            r.figures,
            r.pool,
            r.js,
            r.names,
            accepted,
            expected_failed=failing | poisoned,
            expected_dead_letters=sum(expected.values()),
            since=total,
        )
        letters = await dead_letters(r.js, r.names)
        assert Counter((x.stage, x.error_type) for x in letters) == expected
        for letter in letters:
            assert letter.original_subject in (received_subject, ingested_subject)
            assert letter.stream_sequence > 0 and letter.headers.get("Nats-Msg-Id")
            if letter.error_type == "RuntimeError":
                assert letter.deliveries == MAX_DELIVER
                assert "gave up after 4 deliveries" in letter.error_message
        # The owner of a failed document sees why, over the API.
        async with httpx.AsyncClient(
            base_url=r.platform.url("gateway"), headers=r.platform.auth
        ) as client:
            view = (await client.get(f"/v1/documents/{sorted(failing)[0]}")).json()
        assert view["status"] == "failed" and view["failed_stage"] == "ingest"
        assert "not in the uploads bucket" in view["failure_reason"]
        r.figures.total_seconds = total()
        r.figures.notes = {
            "dead_letters_by_stage_and_type": {f"{s}/{t}": n for (s, t), n in expected.items()}
        }
        r.figures.publish()
        assert r.figures.processed == len(accepted) >= 300
