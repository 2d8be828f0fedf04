"""Composition root of the monitor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, get
from litestar.datastructures import State

from services.monitor.pipeline import PipelineCounts, watch_pipeline
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
    return {s: counts.by_status.get(s, 0) for s in ("received", "ingested", "processed", "failed")}


def create_app(settings: MonitorSettings) -> Litestar:
    state = State({"settings": settings, "counts": PipelineCounts(), "nc": None})

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        state.nc = await connect_nats(settings.nats_url, name="sum-monitor")
        await watch_pipeline(state.nc, Names(settings.namespace), state.counts)
        try:
            yield
        finally:
            await state.nc.drain()

    def checks() -> dict[str, Check]:
        return {"nats": nats_check(state.nc)} if state.nc else {}

    return Litestar(
        route_handlers=[pipeline_counts, *ops_routes(checks)],
        lifespan=[lifespan],
        state=state,
        middleware=[request_metrics(SERVICE)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        logging_config=None,
        openapi_config=None,
    )
