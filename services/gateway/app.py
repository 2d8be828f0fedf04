"""Composition root of the gateway: builds the Litestar app around real or given adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from services.gateway.busdoor.wiring import asyncapi_route, bus_door_lifespan
from services.gateway.repository import PgDocuments
from services.gateway.routes import DocumentsController
from services.gateway.settings import GatewaySettings
from services.gateway.uploads import UploadDeps
from shared.adapters import Adapters, open_adapters
from shared.db.pool import record_pool_metrics
from shared.health import Check
from shared.web.observe import observe_requests
from shared.web.ops import ops_routes
from shared.web.problems import EXCEPTION_HANDLERS

SERVICE = "gateway"
# The largest per-type limit (csv, 100 MB) plus room for the multipart envelope.
MAX_BODY = 101 * 1024 * 1024


def create_app(settings: GatewaySettings, adapters: Adapters | None = None) -> Litestar:
    state = State({"settings": settings, "adapters": adapters})

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = state.adapters is None
        if owned:
            state.adapters = await open_adapters(settings, SERVICE)
        wire(state)
        try:
            yield
        finally:
            if owned:
                await state.adapters.close()

    def checks() -> dict[str, Check]:
        if state.adapters is None:
            return {}
        record_pool_metrics(state.adapters.pool, SERVICE)
        return state.adapters.checks()

    return Litestar(
        route_handlers=[DocumentsController, asyncapi_route, *ops_routes(checks)],
        lifespan=[lifespan, bus_door_lifespan(state)],
        state=state,
        middleware=[observe_requests(SERVICE)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        logging_config=None,
        request_max_body_size=MAX_BODY,
        openapi_config=OpenAPIConfig(title="SUM gateway", version="1", path="/schema"),
    )


def wire(state: State) -> None:
    adapters: Adapters = state.adapters
    state.documents = PgDocuments(adapters.pool)
    state.upload_deps = UploadDeps(
        documents=state.documents,
        objects=adapters.uploads,
        publisher=adapters.publisher,
        names=adapters.names,
    )
