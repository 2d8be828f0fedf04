"""Composition root of the gateway: builds the Litestar app around real or given adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig

from services.gateway.reconciler import Reconciler, ReconcilerSettings
from services.gateway.repository import NewDocument, PgDocuments
from services.gateway.routes import DocumentsController
from services.gateway.search import search_route
from services.gateway.settings import GatewaySettings
from services.gateway.uploads import UploadDeps
from shared.adapters import Adapters, open_adapters
from shared.config import load_settings
from shared.db.pool import record_pool_metrics
from shared.health import Check
from shared.web.observe import observe_requests
from shared.web.ops import ops_routes
from shared.web.problems import EXCEPTION_HANDLERS

log = logging.getLogger(__name__)

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
        stop_reconciling = asyncio.Event()
        reconciling = start_reconciler(state.adapters, stop_reconciling) if owned else None
        try:
            yield
        finally:
            stop_reconciling.set()
            if reconciling is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(reconciling, 5)
            if owned:
                await state.adapters.close()

    def checks() -> dict[str, Check]:
        if state.adapters is None:
            return {}
        record_pool_metrics(state.adapters.pool, SERVICE)
        return state.adapters.checks()

    return Litestar(
        route_handlers=[DocumentsController, search_route, *ops_routes(checks)],
        dependencies={"tenant": Provide(default_tenant, sync_to_thread=False)},
        lifespan=[lifespan],
        state=state,
        middleware=[observe_requests(SERVICE)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        logging_config=None,
        request_max_body_size=MAX_BODY,
        openapi_config=OpenAPIConfig(title="SUM gateway", version="1", path="/schema"),
    )


def default_tenant() -> str:
    return "default"


def wire(state: State) -> None:
    adapters: Adapters = state.adapters
    state.documents = PgDocuments(adapters.pool)
    state.upload_deps = UploadDeps(
        documents=_with_fault_hooks(state.documents),
        objects=adapters.uploads,
        publisher=adapters.publisher,
        names=adapters.names,
    )


def start_reconciler(adapters: Adapters, stopping: asyncio.Event) -> asyncio.Task[None]:
    reconciler = Reconciler(
        adapters.pool,
        adapters.js,
        adapters.publisher,
        adapters.names,
        load_settings(ReconcilerSettings),
    )
    return asyncio.create_task(reconciler.run(stopping))


class _CrashAfterInsert:
    """Fault injection: the process dies right after the row is committed and before the event
    is published -- the window the reconciler exists for."""

    def __init__(self, documents: PgDocuments) -> None:
        self.documents = documents

    async def insert(self, doc: NewDocument) -> None:
        await self.documents.insert(doc)
        log.error("SUM_FAULT_CRASH_AFTER_INSERT: exiting after inserting %s", doc.id)
        logging.shutdown()
        os._exit(70)


def _with_fault_hooks(documents: PgDocuments) -> PgDocuments | _CrashAfterInsert:
    if os.environ.get("SUM_FAULT_CRASH_AFTER_INSERT") == "1":
        return _CrashAfterInsert(documents)
    return documents
