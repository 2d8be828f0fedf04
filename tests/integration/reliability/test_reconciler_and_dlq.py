"""The reconciler re-publishes only what was really lost; dead letters can be replayed."""

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import nats
import pytest

from services.gateway.reconciler import Reconciler, ReconcilerSettings
from shared.events import DocumentReceivedV1, Names
from shared.events.deadletter import DeadLetterV1
from shared.messaging import dlq_store
from shared.messaging.publisher import EventPublisher
from shared.messaging.topology import ensure_topology
from sumctl.errors_cmd import parse_window
from tests.faults.pipeline import events_per_document

pytestmark = pytest.mark.integration


async def insert(pool, status: str = "received") -> str:
    document_id = str(uuid.uuid4())
    await pool.execute(
        """INSERT INTO documents (id, filename, content_type, kind, size_bytes, sha256,
                                  object_name, status, updated_at)
           VALUES ($1, 'a.txt', 'text/plain', 'txt', 1, $2, $3, $4, now() - interval '1 hour')""",
        document_id,
        document_id.replace("-", "").ljust(64, "0"),  # digests are unique per tenant
        f"default/{document_id}",
        status,
    )
    return document_id


async def test_reconciler_republishes_the_stranded_but_not_the_queued(namespace, pool) -> None:
    nc = await nats.connect("nats://127.0.0.1:4222")
    js = nc.jetstream()
    names = Names(namespace)
    await ensure_topology(js, names, stages=("ingest", "processor"))
    publisher = EventPublisher(js)
    await pool.execute("UPDATE documents SET status = 'processed'")  # earlier tests' leftovers
    stranded = await insert(pool)
    queued = await insert(pool)
    # ``queued`` has its event in the stream, not yet consumed: a backlog, not a loss.
    event = msgspec.convert(
        {
            "document_id": queued,
            "tenant": "default",
            "filename": "a.txt",
            "content_type": "text/plain",
            "kind": "txt",
            "size": 1,
            "sha256": "0" * 64,
            "object_name": f"default/{queued}",
            "received_at": datetime.now(UTC),
        },
        DocumentReceivedV1,
    )
    await publisher.publish(names.subject(DocumentReceivedV1), event, f"received:{queued}")
    reconciler = Reconciler(pool, js, publisher, names, ReconcilerSettings(reconcile_after=1))
    assert await reconciler.reconcile_once() == 0  # first sighting: never acts on it
    # The consumer has not settled what the stream held: a document may still be on its way.
    assert await reconciler.reconcile_once() == 0
    # Ingest handles the queued document; now the stranded one has no event in flight.
    sub = await js.pull_subscribe_bind(durable="ingest-normal", stream=names.documents_stream)
    [msg] = await sub.fetch(1, timeout=5)
    await pool.execute("UPDATE documents SET status = 'processed' WHERE id = $1", queued)
    await msg.ack_sync()
    assert await reconciler.reconcile_once() == 1
    assert await reconciler.reconcile_once() == 0  # its event is in flight now
    counts = await events_per_document(js, names, DocumentReceivedV1)
    assert counts == {stranded: 1, queued: 1}
    await nc.close()


async def test_replay_resets_the_document_republishes_and_records_it(namespace, pool) -> None:
    nc = await nats.connect("nats://127.0.0.1:4222")
    js = nc.jetstream()
    names = Names(namespace)
    await ensure_topology(js, names, stages=("ingest",))
    publisher = EventPublisher(js)
    document_id = await insert(pool, "failed")
    await pool.execute("UPDATE documents SET failed_stage = 'ingest' WHERE id = $1", document_id)
    original = names.subject(DocumentReceivedV1)
    letter = DeadLetterV1(
        stage="ingest",
        original_subject=original,
        headers={"Nats-Msg-Id": f"received:{document_id}"},
        payload=b'{"document_id": "%s"}' % document_id.encode(),
        stream_sequence=7,
        deliveries=6,
        error_type="RuntimeError",
        error_message="boom",
        trace_id=None,
        failed_at=datetime.now(UTC),
        document_id=document_id,
    )
    await publisher.publish(names.dlq_subject("ingest"), letter, msg_id="dlq:x:7")

    [stored] = await dlq_store.list_letters(js, names)
    record = await dlq_store.replay(js, pool, names, stored)
    assert record.document_reset and record.new_msg_id.startswith(f"replay:{stored.sequence}:")
    assert await pool.fetchval("SELECT status FROM documents WHERE id = $1", document_id) == (
        "received"
    )
    await pool.execute("UPDATE documents SET status = 'processed' WHERE id = $1", document_id)
    with pytest.raises(dlq_store.ReplayRefused):  # it moved on: a second replay would duplicate
        await dlq_store.replay(js, pool, names, stored)
    [again] = await dlq_store.list_letters(js, names)
    assert again.replayed_as == record.new_msg_id
    republished = await js.get_last_msg(names.documents_stream, original)
    assert republished.data == letter.payload
    assert republished.headers["Nats-Msg-Id"] == record.new_msg_id

    recent = await dlq_store.list_letters(js, names, since=datetime.now(UTC) - timedelta(hours=1))
    assert [s.letter.error_type for s in recent] == ["RuntimeError"]
    with pytest.raises(LookupError):
        await dlq_store.get_letter(js, names, 999)
    await dlq_store.purge(js, names, "ingest")
    assert await dlq_store.list_letters(js, names) == []
    assert parse_window("30m") == timedelta(minutes=30)
    await nc.close()
