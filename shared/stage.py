"""The skeleton every pipeline stage (ingest, processor) runs on.

A stage declares what it is (``Stage``): its name, port, concurrency, and how to compose its
handlers on the opened adapters, one plain async function per event type it consumes. This module
does the rest: adapters, consumers, the consumer runner with its dead-lettering, the ops HTTP
server, and shutdown in order.

    await run_stage(Stage("ingest", port, concurrency, batch, compose), settings, stopping)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar

from shared.adapters import Adapters, open_adapters
from shared.config import CommonSettings
from shared.db.pool import record_pool_metrics
from shared.errors import PermanentError
from shared.events import EVENT_SUBJECTS, decode
from shared.failures import fail_document
from shared.health import Check
from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.delivery import Delivery
from shared.messaging.runner import ConsumerRunner, Handler
from shared.messaging.settings import ReliabilitySettings
from shared.messaging.topology import ensure_consumer, patiently, stage_consumers
from shared.web.observe import observe_requests
from shared.web.ops import ops_routes
from shared.web.problems import EXCEPTION_HANDLERS
from shared.web.serve import make_server

log = logging.getLogger(__name__)


def ops_app(service: str, adapters: Adapters, runner: ConsumerRunner) -> Litestar:
    async def consuming() -> None:
        if not runner.gate.is_open:
            raise ConnectionError(f"paused, a dependency is down: {runner.gate.reason}")
        if not runner.fetching:
            raise ConnectionError("not fetching from JetStream")

    def checks() -> dict[str, Check]:
        record_pool_metrics(adapters.pool, service)
        return {**adapters.checks(), "consumer": consuming}

    return Litestar(
        route_handlers=ops_routes(checks),
        middleware=[observe_requests(service)],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
        openapi_config=None,
    )


def dependency_probe(adapters: Adapters) -> Check:
    """What a stage cannot work without: JetStream and PostgreSQL (Redis is optional)."""

    async def probe() -> None:
        if not adapters.nc.is_connected:
            raise ConnectionError("NATS is not connected")
        # The stream, not just the server: in a cluster the stream may have no leader for a
        # few seconds after a node is lost, and publishes time out until it has one.
        info = await adapters.js.stream_info(adapters.names.documents_stream)
        if info.cluster is not None and info.cluster.replicas and not info.cluster.leader:
            raise ConnectionError("the documents stream has no leader (an election is running)")
        async with adapters.pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")

    return probe


class StageSettings(CommonSettings, kw_only=True):
    """What every consuming stage reads besides the common settings."""

    # SUM_MAX_DELIVER, SUM_RETRY_BASE, SUM_RETRY_CAP, SUM_ACK_WAIT, SUM_STALL_AFTER, …
    reliability: ReliabilitySettings = msgspec.field(default_factory=ReliabilitySettings)


EventHandler = Callable[[Any], Awaitable[None]]
# Event type -> the plain async function that handles one event of it.
Handlers = Mapping[type[msgspec.Struct], EventHandler]


@dataclass(frozen=True)
class Stage:
    name: str
    port: int
    concurrency: int
    batch: int
    # Builds the handlers on the opened adapters; whatever it starts it stops on exit.
    compose: Callable[[Adapters], AbstractAsyncContextManager[Handlers]]


class UnexpectedSubject(PermanentError):
    """A message on a subject this stage has no handler for."""


async def run_stage(
    stage: Stage,
    settings: StageSettings,
    stopping: asyncio.Event,
    adapters: Adapters | None = None,
) -> None:
    """Run ``stage`` until ``stopping`` is set, on its own adapters unless some are given."""
    opened = adapters or await open_adapters(settings, stage.name)
    try:
        async with stage.compose(opened) as handlers:
            await _consume(
                stage, settings, opened, dispatch(handlers, opened.names.namespace), stopping
            )
    finally:
        await opened.close()
        log.info("%s stopped", stage.name)


def dispatch(handlers: Handlers, namespace: str) -> Handler:
    """One handler for the runner: decode each delivery as the event its subject names and hand
    it to that event's handler. An undecodable payload is a PermanentError (dead-lettered)."""
    by_subject = {EVENT_SUBJECTS[event]: (event, handle) for event, handle in handlers.items()}

    async def handle_delivery(delivery: Delivery) -> None:
        # <namespace>.documents.<event>.v<N>.<priority>
        name = delivery.subject.removeprefix(namespace + ".").rpartition(".")[0]
        if name not in by_subject:
            raise UnexpectedSubject(f"no handler for messages on {delivery.subject}")
        event, handle = by_subject[name]
        await handle(decode(delivery.data, event))

    return handle_delivery


async def _consume(
    stage: Stage,
    settings: StageSettings,
    adapters: Adapters,
    handler: Handler,
    stopping: asyncio.Event,
) -> None:
    reliability = settings.reliability
    policy = reliability.retry_policy()

    async def on_dead_letter(delivery: Delivery, reason: str) -> str | None:
        # Every stage gives up on a document the same way: failed, with the reason, announced.
        return await fail_document(
            adapters.pool, adapters.publisher, adapters.names, stage.name, delivery, reason
        )

    # A few deliveries beyond the policy's budget, so that a failed dead-lettering is retried.
    specs = stage_consumers(
        adapters.names,
        stage.name,
        max_deliver=policy.max_deliver + 3,
        ack_wait=reliability.ack_wait,
    )
    for spec in specs:
        await patiently(functools.partial(ensure_consumer, adapters.js, spec))
    runner = ConsumerRunner(
        js=adapters.js,
        specs=specs,
        stage=stage.name,
        handler=_with_fault_hooks(handler, reliability),
        dead_letters=DeadLetterSink(adapters.publisher, adapters.names, stage.name),
        on_dead_letter=on_dead_letter,
        policy=policy,
        batch=stage.batch,
        concurrency=stage.concurrency,
        probe=dependency_probe(adapters),
        reconnects=lambda: int(adapters.nc.stats["reconnects"]),
        stall_after=reliability.stall_after,
    )
    server = make_server(ops_app(stage.name, adapters, runner), settings.host, stage.port)
    http = asyncio.create_task(server.serve())
    log.info("%s consuming", stage.name, extra={"port": stage.port})
    try:
        await runner.run(stopping, drain_timeout=settings.shutdown_timeout * 0.5)
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(http, settings.shutdown_timeout * 0.2)


def _with_fault_hooks(handler: Handler, reliability: ReliabilitySettings) -> Handler:
    """Fault injection stays here, in the composition, so handlers never know about it."""
    poisoned = reliability.fault_fail_tenant
    if not poisoned:
        return handler

    async def failing_for_one_tenant(delivery: Delivery) -> None:
        if delivery.document is not None and delivery.document.tenant == poisoned:
            raise RuntimeError(f"injected fault for tenant {poisoned!r}")
        await handler(delivery)

    return failing_for_one_tenant
