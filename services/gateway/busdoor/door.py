"""The gateway's second door: documents submitted over NATS, and results relayed per tenant.

door = BusDoor(nc=nc, js=js, names=names, publisher=publisher, desk=desk)
await door.start()   # declares its stream and consumer, then listens
...
await door.stop()    # stops taking new submits and finishes the ones in flight
"""

from __future__ import annotations

import asyncio
import contextlib

import msgspec
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.gateway.busdoor.desk import SubmissionDesk
from services.gateway.busdoor.durable import STAGE, DurableEntrance, submission_consumer
from services.gateway.busdoor.relay import ResultRelay
from services.gateway.busdoor.requests import RequestEntrance
from shared.events.catalog import Names
from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.outcomes import RetryPolicy
from shared.messaging.publisher import EventPublisher
from shared.messaging.runner import ConsumerRunner
from shared.messaging.topology import (
    ensure_consumer,
    ensure_stream,
    patiently,
    submissions_stream_config,
)


class BusDoorSettings(msgspec.Struct, kw_only=True):
    """``SUM_BUSDOOR_ENABLED``, ``SUM_BUSDOOR_CONCURRENCY``, ``SUM_BUSDOOR_RELAY``."""

    busdoor_enabled: bool = True
    # Submits handled at once per gateway process (each entrance).
    busdoor_concurrency: int = 16
    # Republish document events under each tenant's subjects (one relay per installation is
    # enough; every gateway replica joins the same queue group).
    busdoor_relay: bool = True


class BusDoor:
    def __init__(
        self,
        *,
        nc: Client,
        js: JetStreamContext,
        names: Names,
        publisher: EventPublisher,
        desk: SubmissionDesk,
        concurrency: int = 16,
        policy: RetryPolicy | None = None,
        relay: bool = True,
        replicas: int = 1,
    ) -> None:
        self.nc = nc
        self.replicas = replicas
        self.js = js
        self.names = names
        self.policy = policy or RetryPolicy()
        # Extra deliveries beyond the policy cover ack timeouts (a gateway killed mid-submit).
        self.consumer = submission_consumer(names.namespace, self.policy.max_deliver + 3)
        self.requests = RequestEntrance(nc, desk, concurrency)
        self.relay = ResultRelay(nc, names) if relay else None
        durable = DurableEntrance(nc, desk, self.policy.max_deliver)
        self.runner = ConsumerRunner(
            js=js,
            specs=[self.consumer],
            stage=STAGE,
            handler=durable.handle,
            dead_letters=DeadLetterSink(publisher, names, STAGE),
            policy=self.policy,
            concurrency=concurrency,
        )
        self._stopping = asyncio.Event()
        self._consuming: asyncio.Task[None] | None = None

    async def start(self) -> None:
        config = submissions_stream_config(self.names, self.replicas)
        await patiently(lambda: ensure_stream(self.js, config))
        await patiently(lambda: ensure_consumer(self.js, self.consumer))
        if self.relay is not None:
            await self.relay.start()
        await self.requests.start()
        await self.nc.flush()  # the server knows the subscriptions before we report ready
        self._consuming = asyncio.create_task(self.runner.run(self._stopping))

    async def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        await self.requests.stop(timeout)
        if self.relay is not None:
            await self.relay.stop()
        if self._consuming is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._consuming, timeout + 2)
