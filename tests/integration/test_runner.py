"""The consumer runner against the real JetStream: ack, retry with backoff, dead letters."""

import asyncio
from collections import Counter

import msgspec
import nats
import pytest

from shared.errors import PermanentError, RetryableError
from shared.events import DocumentReceivedV1, Names
from shared.events.deadletter import DeadLetterV1
from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.delivery import Delivery
from shared.messaging.outcomes import RetryPolicy
from shared.messaging.publisher import EventPublisher
from shared.messaging.runner import ConsumerRunner
from shared.messaging.topology import ensure_topology, stage_consumers
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


async def test_runner_acks_retries_and_dead_letters(namespace: str) -> None:
    nc = await nats.connect("nats://127.0.0.1:4222")
    js = nc.jetstream()
    names = Names(namespace)
    await ensure_topology(js, names, stages=("ingest",))
    publisher = EventPublisher(js)
    attempts: Counter[str] = Counter()
    handled: list[str] = []
    dead: list[tuple[str, str]] = []

    async def handler(delivery: Delivery) -> None:
        body = delivery.data.decode()
        attempts[body] += 1
        if body == "flaky" and attempts[body] < 3:
            raise RetryableError("not yet")
        if body == "poison":
            raise PermanentError("cannot ever work")
        if body == "always-fails":
            raise RetryableError("down forever")
        handled.append(body)

    async def on_dead_letter(delivery: Delivery, reason: str) -> str | None:
        dead.append((delivery.data.decode(), reason))
        return None

    policy = RetryPolicy(base=0.05, cap=0.2, max_deliver=3)
    runner = ConsumerRunner(
        js=js,
        specs=stage_consumers(names, "ingest", max_deliver=policy.max_deliver + 3),
        stage="ingest",
        handler=handler,
        dead_letters=DeadLetterSink(publisher, names, "ingest"),
        on_dead_letter=on_dead_letter,
        policy=policy,
        idle_wait=0.2,
    )
    stopping = asyncio.Event()
    task = asyncio.create_task(runner.run(stopping))
    subject = names.subject(DocumentReceivedV1, "normal")
    for body in ("ok", "flaky", "poison", "always-fails"):
        await publisher.publish_raw(subject, body.encode(), msg_id=f"m-{body}")
    # The same message id again is dropped by the stream's duplicate window.
    await publisher.publish_raw(subject, b"ok", msg_id="m-ok")

    async def settled() -> bool:
        return sorted(handled) == ["flaky", "ok"] and len(dead) == 2

    await wait_for(settled, timeout=20)
    stopping.set()
    await task

    assert attempts["ok"] == 1 and attempts["flaky"] == 3
    assert attempts["poison"] == 1 and attempts["always-fails"] == policy.max_deliver
    reasons = dict(dead)
    assert reasons["poison"] == "cannot ever work"
    assert "gave up after 3 deliveries" in reasons["always-fails"]

    dlq = await js.pull_subscribe(
        names.dlq_subject("ingest"), durable=None, stream=names.dlq_stream
    )
    letters = [
        msgspec.json.decode(m.data, type=DeadLetterV1) for m in await dlq.fetch(10, timeout=2)
    ]
    assert sorted(letter.payload for letter in letters) == [b"always-fails", b"poison"]
    poison = next(letter for letter in letters if letter.payload == b"poison")
    assert poison.error_type == "PermanentError" and poison.original_subject == subject
    assert poison.headers["Nats-Msg-Id"] == "m-poison" and poison.stream_sequence > 0
    await nc.close()
