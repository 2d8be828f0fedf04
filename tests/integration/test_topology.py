"""Declaring streams, consumers and the bucket against the real NATS server."""

import nats
import pytest

from shared.events import Names
from shared.messaging.topology import ConsumerSpec, ensure_consumer, ensure_topology

pytestmark = pytest.mark.integration


async def test_topology_is_idempotent_and_corrects_consumer_drift(namespace: str) -> None:
    nc = await nats.connect("nats://127.0.0.1:4222")
    js = nc.jetstream()
    names = Names(namespace)
    try:
        await ensure_topology(js, names, stages=("ingest", "processor"))
        await ensure_topology(js, names, stages=("ingest", "processor"))  # again: no error
        info = await js.consumer_info(names.documents_stream, "ingest-high")
        assert info.config.filter_subject == f"{namespace}.documents.received.v1.high"

        # Someone changed the durable by hand; nats-py would silently keep this config.
        drifted = ConsumerSpec(
            stream=names.documents_stream,
            durable="ingest-high",
            filter_subject=f"{namespace}.documents.received.v1.high",
            max_deliver=2,
        )
        await js.add_consumer(names.documents_stream, drifted.config())
        assert (
            await js.consumer_info(names.documents_stream, "ingest-high")
        ).config.max_deliver == 2

        wanted = ConsumerSpec(
            stream=names.documents_stream,
            durable="ingest-high",
            filter_subject=f"{namespace}.documents.received.v1.high",
            max_deliver=9,
        )
        await ensure_consumer(js, wanted)
        assert (
            await js.consumer_info(names.documents_stream, "ingest-high")
        ).config.max_deliver == 9

        store = await js.object_store(names.uploads_bucket)
        await store.put("probe", b"bytes")
        assert (await store.get("probe")).data == b"bytes"
    finally:
        await nc.close()
