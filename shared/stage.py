"""Running a pipeline stage (ingest, processor): adapters, ops HTTP server, consumer runner."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from litestar import Litestar

from shared.adapters import Adapters
from shared.config import CommonSettings
from shared.db.pool import record_pool_metrics
from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.outcomes import RetryPolicy
from shared.messaging.runner import ConsumerRunner, Handler, OnDeadLetter
from shared.messaging.topology import stage_consumers
from shared.web.observe import observe_requests
from shared.web.ops import ops_routes
from shared.web.problems import EXCEPTION_HANDLERS
from shared.web.serve import make_server

log = logging.getLogger(__name__)


def ops_app(service: str, adapters: Adapters) -> Litestar:
    def checks() -> dict:
        record_pool_metrics(adapters.pool, service)
        return adapters.checks()

    return Litestar(
        route_handlers=ops_routes(checks),
        middleware=[observe_requests(service)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        logging_config=None,
        openapi_config=None,
    )


async def run_stage(
    *,
    stage: str,
    settings: CommonSettings,
    adapters: Adapters,
    port: int,
    handler: Handler,
    on_dead_letter: OnDeadLetter | None,
    policy: RetryPolicy,
    concurrency: int,
    batch: int,
    stopping: asyncio.Event,
    extra_tasks: Callable[[], list[asyncio.Task[None]]] | None = None,
) -> None:
    runner = ConsumerRunner(
        js=adapters.js,
        specs=stage_consumers(adapters.names, stage, max_deliver=policy.max_deliver + 3),
        stage=stage,
        handler=handler,
        dead_letters=DeadLetterSink(adapters.publisher, adapters.names, stage),
        on_dead_letter=on_dead_letter,
        policy=policy,
        batch=batch,
        concurrency=concurrency,
    )
    server = make_server(ops_app(stage, adapters), settings.host, port)
    http = asyncio.create_task(server.serve())
    log.info("%s consuming", stage, extra={"port": port})
    try:
        await runner.run(stopping, drain_timeout=settings.shutdown_timeout * 0.6)
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(http, 5)
        await adapters.close()
        log.info("%s stopped", stage)
