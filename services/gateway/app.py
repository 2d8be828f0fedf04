"""Composition root of the gateway: builds the Litestar app around real or given adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide

from services.gateway.admission import AdmissionDeps
from services.gateway.busdoor.wiring import asyncapi_route, bus_door_lifespan
from services.gateway.edge.access_guard import GuardConfig, make_guard
from services.gateway.edge.api_keys import Authenticator, PgApiKeys
from services.gateway.edge.client_address import parse_networks
from services.gateway.edge.headers import complete_allow_header, security_headers
from services.gateway.edge.load_shedding import LoadShedder, Thresholds, UploadSlots
from services.gateway.edge.rate_limits import RateLimit, RedisRateLimiter
from services.gateway.http.document_routes import DocumentsController, tenant_of
from services.gateway.http.openapi import openapi_config
from services.gateway.http.problems import ERROR_ANSWERS
from services.gateway.http.search_route import search_route
from services.gateway.http.status_events import document_events
from services.gateway.http.upload_body import UploadGate
from services.gateway.intake.scanning import ClamdScanner, CompositeScanner, EicarScanner, Scanner
from services.gateway.reconciler import Reconciler, ReconcilerSettings
from services.gateway.settings import GatewaySettings
from services.gateway.storage.documents import PgDocuments
from services.gateway.storage.fault_hooks import with_fault_hooks
from services.gateway.storage.group_commit import GroupCommitDocuments
from services.gateway.storage.idempotency import RedisIdempotency
from services.gateway.storage.object_writer import PipelinedObjectWriter
from shared.adapters import Adapters, open_adapters
from shared.config import load_settings
from shared.db.guarded import GuardedPool
from shared.db.pool import record_pool_metrics
from shared.health import Check
from shared.resilience import CircuitBreaker
from shared.resilience.metrics import export_breaker_state
from shared.web.observe import observe_requests
from shared.web.ops import ops_routes
from shared.web.problems import EXCEPTION_HANDLERS
from shared.web.serve import make_server

log = logging.getLogger(__name__)

SERVICE = "gateway"
MULTIPART_MARGIN = 1024 * 1024


def create_app(settings: GatewaySettings, adapters: Adapters | None = None) -> Litestar:
    state = State({"settings": settings, "adapters": adapters, "guard": None})

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = state.adapters is None
        if owned:
            state.adapters = await open_adapters(settings, SERVICE)
        wire(state, settings)
        stopping = asyncio.Event()
        background = [
            asyncio.create_task(
                state.upload_gate.shedder.watch_backlog(
                    state.adapters.js,
                    state.adapters.names.documents_stream,
                    settings.backlog_poll_seconds,
                    stopping,
                )
            )
        ]
        if owned:
            background.append(start_reconciler(state.adapters, stopping))
        try:
            yield
        finally:
            stopping.set()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.gather(*background), 5)
            if owned:
                await state.adapters.close()

    def checks() -> dict[str, Check]:
        if state.adapters is None:
            return {}
        record_pool_metrics(state.adapters.pool, SERVICE)
        return state.adapters.checks()

    return Litestar(
        route_handlers=[
            DocumentsController,
            document_events,
            search_route,
            asyncapi_route,
            *ops_routes(checks),
        ],
        dependencies={"tenant": Provide(tenant_of, sync_to_thread=False)},
        lifespan=[lifespan, bus_door_lifespan(state)],
        state=state,
        middleware=[
            observe_requests(SERVICE),
            security_headers,
            make_guard(lambda: state.guard),
            complete_allow_header,
        ],
        exception_handlers={**ERROR_ANSWERS, **EXCEPTION_HANDLERS},
        logging_config=None,
        request_max_body_size=settings.largest_upload() + MULTIPART_MARGIN,
        openapi_config=openapi_config(),
    )


def make_gateway_server(settings: GatewaySettings, app: Litestar | None = None) -> uvicorn.Server:
    server = make_server(app or create_app(settings), settings.host, settings.gateway_port)
    # uvicorn would rewrite the client address from X-Forwarded-For for any loopback peer;
    # the gateway decides itself, from SUM_TRUSTED_PROXIES (see edge.client_address).
    server.config.proxy_headers = False
    return server


def wire(state: State, settings: GatewaySettings) -> None:
    adapters: Adapters = state.adapters
    # Request paths reach PostgreSQL through a breaker: while it is away they answer 503 at once.
    state.db = GuardedPool(adapters.pool)
    state.documents = PgDocuments(state.db)
    deps = AdmissionDeps(
        documents=with_fault_hooks(GroupCommitDocuments(state.documents)),
        objects=PipelinedObjectWriter(adapters.js, adapters.uploads, adapters.names.uploads_bucket),
        publisher=adapters.publisher,
        names=adapters.names,
        policy=settings.intake_policy(),
        scanner=build_scanner(settings),
        idempotency=RedisIdempotency(adapters.redis, ttl_seconds=settings.idempotency_ttl_seconds),
        spool_dir=settings.spool_dir,
        spool_memory_bytes=settings.spool_memory_bytes,
    )
    state.admission_deps = deps  # the NATS front door admits through the same path
    mb = 1024 * 1024
    thresholds = Thresholds(
        backlog={
            "low": settings.shed_backlog_low,
            "normal": settings.shed_backlog_normal,
            "high": settings.shed_backlog_high,
        },
        memory_bytes={
            "low": settings.shed_memory_low_mb * mb,
            "normal": settings.shed_memory_normal_mb * mb,
            "high": settings.shed_memory_high_mb * mb,
        },
    )
    state.upload_gate = UploadGate(
        slots=UploadSlots(settings.max_concurrent_uploads),
        shedder=LoadShedder(thresholds),
        deps=deps,
    )
    state.guard = GuardConfig(
        authenticator=Authenticator(
            PgApiKeys(state.db), cache_seconds=settings.api_key_cache_seconds
        ),
        limiter=RedisRateLimiter(adapters.redis, fail_open=settings.rate_limit_fail_open),
        upload_limit=RateLimit.parse(settings.rate_limit_uploads),
        read_limit=RateLimit.parse(settings.rate_limit_reads),
        trusted_proxies=parse_networks(settings.trusted_proxies),
    )


def build_scanner(settings: GatewaySettings) -> Scanner:
    """EICAR detection always; clamd as well when SUM_CLAMD_URL names one."""
    if not settings.clamd_url:
        return EicarScanner()
    clamd = ClamdScanner(
        settings.clamd_url,
        breaker=CircuitBreaker("clamd", on_state_change=export_breaker_state),
        io_timeout=settings.clamd_timeout,
        max_stream_bytes=settings.clamd_max_stream_bytes,
    )
    return CompositeScanner([EicarScanner(), clamd])


def start_reconciler(adapters: Adapters, stopping: asyncio.Event) -> asyncio.Task[None]:
    reconciler = Reconciler(
        adapters.pool,
        adapters.js,
        adapters.publisher,
        adapters.names,
        load_settings(ReconcilerSettings),
    )
    return asyncio.create_task(reconciler.run(stopping))
