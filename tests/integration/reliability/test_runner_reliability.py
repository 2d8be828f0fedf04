"""The runner against the real JetStream: holding work during an outage, handing work back at
shutdown, and re-declaring a consumer that vanished."""

import asyncio

import nats
import pytest

from shared.events import DocumentReceivedV1, Names
from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.delivery import Delivery
from shared.messaging.outcomes import RetryPolicy
from shared.messaging.publisher import EventPublisher
from shared.messaging.runner import ConsumerRunner
from shared.messaging.topology import ensure_topology, stage_consumers
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


async def setup(namespace: str):
    nc = await nats.connect("nats://127.0.0.1:4222")
    js = nc.jetstream()
    names = Names(namespace)
    await ensure_topology(js, names, stages=("ingest",))
    return nc, js, names, EventPublisher(js)


def make_runner(js, names, publisher, handler, probe=None, policy=None) -> ConsumerRunner:
    policy = policy or RetryPolicy(base=0.05, cap=0.2, max_deliver=2)
    return ConsumerRunner(
        js=js,
        specs=stage_consumers(names, "ingest", max_deliver=policy.max_deliver + 3),
        stage="ingest",
        handler=handler,
        dead_letters=DeadLetterSink(publisher, names, "ingest"),
        policy=policy,
        idle_wait=0.2,
        probe=probe,
        stall_after=0.5,
    )


async def test_an_outage_holds_messages_without_spending_their_deliveries(namespace) -> None:
    nc, js, names, publisher = await setup(namespace)
    database_up = asyncio.Event()
    seen: list[tuple[bytes, int]] = []
    handled: list[bytes] = []

    async def probe() -> None:
        if not database_up.is_set():
            raise ConnectionRefusedError("database is down")

    async def handler(delivery: Delivery) -> None:
        seen.append((delivery.data, delivery.deliveries))
        if not database_up.is_set():
            raise ConnectionRefusedError("database is down")
        handled.append(delivery.data)

    runner = make_runner(js, names, publisher, handler, probe)
    stopping = asyncio.Event()
    task = asyncio.create_task(runner.run(stopping))
    subject = names.subject(DocumentReceivedV1, "normal")
    for n in range(3):
        await publisher.publish_raw(subject, f"doc{n}".encode(), msg_id=f"m{n}")

    async def paused() -> bool:
        return not runner.gate.is_open and len(seen) >= 1

    await wait_for(paused, timeout=10)
    assert not runner.healthy
    database_up.set()

    async def all_handled() -> bool:
        return sorted(handled) == [b"doc0", b"doc1", b"doc2"]

    await wait_for(all_handled, timeout=10)
    stopping.set()
    await task
    # The outage cost no delivery: every attempt, before and after, was the first delivery,
    # although the policy allows only two and the outage lasted many probe rounds.
    assert {deliveries for _, deliveries in seen} == {1}
    info = await js.consumer_info(names.documents_stream, "ingest-normal")
    assert info.num_ack_pending == 0 and info.num_pending == 0
    await nc.close()


async def test_shutdown_hands_unfinished_work_back_for_immediate_redelivery(namespace) -> None:
    nc, js, names, publisher = await setup(namespace)
    started = asyncio.Event()

    async def slow(delivery: Delivery) -> None:
        started.set()
        await asyncio.sleep(3600)

    runner = make_runner(js, names, publisher, slow)
    stopping = asyncio.Event()
    task = asyncio.create_task(runner.run(stopping, drain_timeout=0.2))
    await publisher.publish_raw(names.subject(DocumentReceivedV1, "normal"), b"x", msg_id="slow")
    await asyncio.wait_for(started.wait(), 10)
    stopping.set()
    await asyncio.wait_for(task, 5)

    # ack_wait is 60 s: only a nak makes the message available again this quickly.
    redelivered: list[int] = []

    async def quick(delivery: Delivery) -> None:
        redelivered.append(delivery.deliveries)

    second = make_runner(js, names, publisher, quick)
    stopping2 = asyncio.Event()
    task2 = asyncio.create_task(second.run(stopping2))

    async def got_it() -> bool:
        return redelivered == [2]

    await wait_for(got_it, timeout=5)
    stopping2.set()
    await task2
    await nc.close()


async def test_a_vanished_consumer_is_declared_again(namespace) -> None:
    nc, js, names, publisher = await setup(namespace)
    handled: list[bytes] = []

    async def handler(delivery: Delivery) -> None:
        handled.append(delivery.data)

    runner = make_runner(js, names, publisher, handler)
    stopping = asyncio.Event()
    task = asyncio.create_task(runner.run(stopping))
    await js.delete_consumer(names.documents_stream, "ingest-low")
    await publisher.publish_raw(names.subject(DocumentReceivedV1, "low"), b"late", msg_id="late")

    async def recovered() -> bool:
        return handled == [b"late"]

    await wait_for(recovered, timeout=15)
    stopping.set()
    await task
    await nc.close()
