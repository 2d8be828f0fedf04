"""Composition root of the monitor: pipeline watch, backlog and scrape feeder, alerts,
trace store and dashboard on the main port; the OTLP receiver app for port 4318."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, get
from litestar.datastructures import State

from services.monitor.dashboard import DocumentCounts, LatencyView, PipelineView
from services.monitor.feeder import Feeder
from services.monitor.pipeline import PipelineCounts, watch_pipeline
from services.monitor.routes import MonitorState, create_monitor_router, create_otlp_app
from services.monitor.settings import MonitorSettings
from shared.events import Names
from shared.health import Check, nats_check
from shared.messaging.connection import connect_nats
from shared.web.observe import observe_requests
from shared.web.ops import ops_routes
from shared.web.problems import EXCEPTION_HANDLERS

SERVICE = "monitor"


@get("/api/pipeline/counts", sync_to_thread=False, tags=["pipeline"])
def pipeline_counts(state: State) -> dict[str, int]:
    counts: PipelineCounts = state.counts
    return counts.totals()


def pipeline_view(counts: PipelineCounts, feeder: Feeder | None) -> PipelineView:
    latency = counts.latency_ms()
    return PipelineView(
        consumers=list(feeder.consumers) if feeder else [],
        dead_letters=feeder.dead_letters if feeder else 0,
        throughput_per_min=[float(n) for n in counts.throughput_per_minute(time.time())],
        latency_ms=LatencyView(**{k: v or 0.0 for k, v in latency.items()}),
        documents=DocumentCounts(**counts.totals()),
    )


def create_app(settings: MonitorSettings) -> Litestar:
    counts = PipelineCounts()
    state = State({"settings": settings, "counts": counts, "nc": None, "feeder": None})

    async def current_view() -> PipelineView:
        return pipeline_view(counts, state.feeder)

    monitor = MonitorState.build(settings.telemetry, settings.alerts, pipeline=current_view)
    state.monitor = monitor

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        names = Names(settings.namespace)
        state.nc = await connect_nats(settings.nats_url, name="sum-monitor")
        await watch_pipeline(state.nc, names, counts)
        await monitor.start()
        state.feeder = Feeder(state.nc.jetstream(), names, settings.targets(), monitor.alerts)
        feeding = asyncio.create_task(state.feeder.run(settings.monitor_scrape_interval))
        try:
            yield
        finally:
            feeding.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await feeding
            await monitor.stop()
            await state.nc.drain()

    def checks() -> dict[str, Check]:
        return {"nats": nats_check(state.nc)} if state.nc else {}

    return Litestar(
        route_handlers=[
            pipeline_counts,
            create_monitor_router(monitor),
            *ops_routes(checks, (monitor.registry,)),
        ],
        lifespan=[lifespan],
        state=state,
        middleware=[observe_requests(SERVICE)],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
        openapi_config=None,
    )


def create_receiver_app(app: Litestar) -> Litestar:
    """The OTLP/HTTP receiver sharing the main app's telemetry store (started by its lifespan)."""
    return create_otlp_app(app.state.monitor)
