"""Declares streams, consumers and the uploads bucket, idempotently and without drift.

nats-py binds to an existing durable and silently ignores a new config, so every declaration
here compares what the server has with what we want and updates (or re-creates) on a mismatch.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import msgspec
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    ObjectStoreConfig,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import (
    BadRequestError,
    BucketNotFoundError,
    NotFoundError,
    ServiceUnavailableError,
)
from nats.js.object_store import ObjectStore

from shared.events.catalog import Names
from shared.events.documents import PRIORITIES, DocumentIngestedV1, DocumentReceivedV1

log = logging.getLogger(__name__)

DAY = 24 * 3600.0
T = TypeVar("T")
# How long start-up waits for JetStream to answer its declarations. While a cluster elects a
# leader or moves a stream to a new replica count, API requests time out or answer 503 for
# seconds; a service that gave up at once would crash-loop through exactly that window.
DECLARE_PATIENCE_SECONDS = 60.0


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable pull consumer of one stage for one priority."""

    stream: str
    durable: str
    filter_subject: str
    ack_wait: float = 60.0
    max_deliver: int = 6
    max_ack_pending: int = 1024

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            filter_subject=self.filter_subject,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            max_ack_pending=self.max_ack_pending,
        )


# The event each consuming stage takes in.
STAGE_INPUT: dict[str, type[msgspec.Struct]] = {
    "ingest": DocumentReceivedV1,
    "processor": DocumentIngestedV1,
}


def stage_consumers(
    names: Names, stage: str, max_deliver: int = 6, ack_wait: float = 60.0
) -> list[ConsumerSpec]:
    """One durable per priority so that a worker can always serve ``high`` first."""
    event = STAGE_INPUT[stage]
    return [
        ConsumerSpec(
            stream=names.documents_stream,
            durable=f"{stage}-{priority}",
            filter_subject=names.subject(event, priority),
            max_deliver=max_deliver,
            ack_wait=ack_wait,
        )
        for priority in PRIORITIES
    ]


def stream_configs(names: Names, replicas: int = 1) -> list[StreamConfig]:
    common = dict(storage=StorageType.FILE, num_replicas=replicas, discard=DiscardPolicy.OLD)
    return [
        StreamConfig(
            name=names.documents_stream,
            subjects=[names.documents_wildcard()],
            retention=RetentionPolicy.LIMITS,
            max_age=7 * DAY,
            duplicate_window=120.0,
            **common,  # type: ignore[arg-type]
        ),
        StreamConfig(
            name=names.dlq_stream,
            subjects=[f"{names.namespace}.dlq.>"],
            retention=RetentionPolicy.LIMITS,
            max_age=30 * DAY,
            **common,  # type: ignore[arg-type]
        ),
    ]


async def ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name is not None
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        return
    have = info.config
    if (
        set(have.subjects or []) != set(config.subjects or [])
        or have.max_age != config.max_age
        or (have.num_replicas or 1) != (config.num_replicas or 1)
    ):
        log.info("updating drifted stream %s", config.name)
        await js.update_stream(config)


async def ensure_consumer(js: JetStreamContext, spec: ConsumerSpec) -> None:
    want = spec.config()
    try:
        have = (await js.consumer_info(spec.stream, spec.durable)).config
    except NotFoundError:
        await js.add_consumer(spec.stream, want)
        return
    fields = ("filter_subject", "ack_wait", "max_deliver", "max_ack_pending", "ack_policy")
    drift = [f for f in fields if getattr(have, f) != getattr(want, f)]
    if not drift:
        return
    log.info("consumer %s drifted on %s; updating", spec.durable, ", ".join(drift))
    try:
        await js.add_consumer(spec.stream, want)  # same durable name = update on the server
    except BadRequestError:
        # Some fields cannot be edited in place on older servers: re-create. Unacked messages
        # are redelivered to the new consumer because it starts from the stream (DeliverPolicy.ALL).
        await js.delete_consumer(spec.stream, spec.durable)
        await js.add_consumer(spec.stream, want)


async def ensure_bucket(js: JetStreamContext, names: Names, replicas: int = 1) -> ObjectStore:
    try:
        store = await js.object_store(names.uploads_bucket)
    except BucketNotFoundError:
        config = ObjectStoreConfig(
            bucket=names.uploads_bucket, storage=StorageType.FILE, replicas=replicas
        )
        return await js.create_object_store(names.uploads_bucket, config=config)
    # The bucket is a stream like any other: its copies follow the setting too.
    stream = await js.stream_info(f"OBJ_{names.uploads_bucket}")
    if (stream.config.num_replicas or 1) != replicas:
        log.info("updating the replicas of bucket %s to %d", names.uploads_bucket, replicas)
        await js.update_stream(dataclasses.replace(stream.config, num_replicas=replicas))
    return store


async def ensure_topology(
    js: JetStreamContext, names: Names, *, stages: tuple[str, ...] = (), replicas: int = 1
) -> ObjectStore:
    """Everything a service needs to exist before it starts; safe to call from every replica."""
    for config in stream_configs(names, replicas):
        await ensure_stream(js, config)
    for stage in stages:
        for spec in stage_consumers(names, stage):
            await ensure_consumer(js, spec)
    return await ensure_bucket(js, names, replicas)


def submissions_stream_config(names: Names, replicas: int = 1) -> StreamConfig:
    """Submits published with JetStream to the NATS front door, kept until the gateway took them.

    Work-queue retention: an acknowledged (or dead-lettered) submit is removed. The duplicate
    window lets a producer retry a publish with the same ``Nats-Msg-Id`` safely.
    """
    namespace = names.namespace
    return StreamConfig(
        name=f"{namespace.upper()}_SUBMISSIONS",
        subjects=[f"{namespace}.tenants.*.submit.*.durable"],
        retention=RetentionPolicy.WORK_QUEUE,
        max_age=7 * DAY,
        duplicate_window=120.0,
        storage=StorageType.FILE,
        num_replicas=replicas,
        discard=DiscardPolicy.OLD,
    )


async def patiently(
    declare: Callable[[], Awaitable[T]], *, patience: float = DECLARE_PATIENCE_SECONDS
) -> T:
    """Run an idempotent declaration, again while JetStream is briefly unable to answer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    pause = 0.25
    while True:
        try:
            return await declare()
        except (NatsTimeoutError, ServiceUnavailableError) as exc:
            if loop.time() + pause > deadline:
                raise
            log.warning("JetStream not answering declarations yet (%r); trying again", exc)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)
