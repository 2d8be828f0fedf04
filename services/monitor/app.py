"""Composition root of the monitor."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State

from services.monitor.backlog import poll_backlog
from services.monitor.pipeline import STATUSES, PipelineCounts, watch_pipeline
from services.monitor.settings import MonitorSettings
from shared.events import Names
from shared.health import Check, nats_check
from shared.messaging.connection import connect_nats
from shared.web.ops import ops_routes, request_metrics
from shared.web.problems import EXCEPTION_HANDLERS

SERVICE = "monitor"


@get("/api/pipeline/counts", sync_to_thread=False, tags=["pipeline"])
def pipeline_counts(state: State) -> dict[str, int]:
    counts: PipelineCounts = state.counts
    return {s: counts.by_status.get(s, 0) for s in STATUSES}


@get("/api/pipeline", sync_to_thread=False, tags=["pipeline"])
def pipeline_view(state: State) -> dict[str, Any]:
    counts: PipelineCounts = state.counts
    now = time.time()
    return {
        "consumers": state.backlog.get("consumers", []),
        "dead_letters": state.backlog.get("dead_letters", 0),
        "throughput_per_min": counts.throughput_per_minute(now),
        "latency_ms": counts.latency_ms(),
        "documents": {s: counts.by_status.get(s, 0) for s in STATUSES},
    }


def create_app(settings: MonitorSettings) -> Litestar:
    state = State({"settings": settings, "counts": PipelineCounts(), "nc": None, "backlog": {}})

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        names = Names(settings.namespace)
        state.nc = await connect_nats(settings.nats_url, name="sum-monitor")
        await watch_pipeline(state.nc, names, state.counts)
        poller = asyncio.create_task(poll_backlog(state.nc.jetstream(), names, state.backlog))
        try:
            yield
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
            await state.nc.drain()

    def checks() -> dict[str, Check]:
        return {"nats": nats_check(state.nc)} if state.nc else {}

    return Litestar(
        route_handlers=[pipeline_counts, pipeline_view, *ops_routes(checks)],
        lifespan=[lifespan],
        state=state,
        middleware=[request_metrics(SERVICE)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        logging_config=None,
        openapi_config=None,
    )
