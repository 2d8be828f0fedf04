"""Running a pipeline stage (ingest, processor): adapters, ops HTTP server, consumer runner."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging

import msgspec
from litestar import Litestar

from shared.adapters import Adapters
from shared.config import CommonSettings, load_settings
from shared.db.pool import record_pool_metrics
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


async def run_stage(
    *,
    stage: str,
    settings: CommonSettings,
    adapters: Adapters,
    port: int,
    handler: Handler,
    concurrency: int,
    batch: int,
    stopping: asyncio.Event,
) -> None:
    reliability = load_settings(ReliabilitySettings)
    policy = reliability.retry_policy()

    async def on_dead_letter(delivery: Delivery, reason: str) -> str | None:
        # Every stage gives up on a document the same way: failed, with the reason, announced.
        return await fail_document(
            adapters.pool, adapters.publisher, adapters.names, stage, delivery, reason
        )

    # A few deliveries beyond the policy's budget, so that a failed dead-lettering is retried.
    specs = stage_consumers(
        adapters.names, stage, max_deliver=policy.max_deliver + 3, ack_wait=reliability.ack_wait
    )
    for spec in specs:
        await patiently(functools.partial(ensure_consumer, adapters.js, spec))
    runner = ConsumerRunner(
        js=adapters.js,
        specs=specs,
        stage=stage,
        handler=_with_fault_hooks(handler, reliability),
        dead_letters=DeadLetterSink(adapters.publisher, adapters.names, stage),
        on_dead_letter=on_dead_letter,
        policy=policy,
        batch=batch,
        concurrency=concurrency,
        probe=dependency_probe(adapters),
        reconnects=lambda: int(adapters.nc.stats["reconnects"]),
        stall_after=reliability.stall_after,
    )
    server = make_server(ops_app(stage, adapters, runner), settings.host, port)
    http = asyncio.create_task(server.serve())
    log.info("%s consuming", stage, extra={"port": port})
    try:
        await runner.run(stopping, drain_timeout=settings.shutdown_timeout * 0.5)
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(http, settings.shutdown_timeout * 0.2)
        await adapters.close()
        log.info("%s stopped", stage)


class _Tenant(msgspec.Struct):
    tenant: str = ""


def _with_fault_hooks(handler: Handler, reliability: ReliabilitySettings) -> Handler:
    """Fault injection stays here, in the composition, so handlers never know about it."""
    poisoned = reliability.fault_fail_tenant
    if not poisoned:
        return handler

    async def failing_for_one_tenant(delivery: Delivery) -> None:
        try:
            tenant = msgspec.json.decode(delivery.data, type=_Tenant).tenant
        except (msgspec.DecodeError, msgspec.ValidationError):
            tenant = ""
        if tenant == poisoned:
            raise RuntimeError(f"injected fault for tenant {poisoned!r}")
        await handler(delivery)

    return failing_for_one_tenant
