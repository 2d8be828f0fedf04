"""Composition root of the gateway: builds every adapter once, from one settings object, and the
Litestar app around them. Routes get what they need by dependency injection (``Provide``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import Provide

from services.gateway.admission import AdmissionDeps, ObjectWriter
from services.gateway.busdoor.desk import SubmissionDesk
from services.gateway.busdoor.door import BusDoor
from services.gateway.busdoor.metadata import PgMetadata
from services.gateway.edge.access_guard import PRINCIPAL, GuardConfig, make_guard
from services.gateway.edge.api_keys import Authenticator, PgApiKeys
from services.gateway.edge.client_address import parse_networks
from services.gateway.edge.headers import complete_allow_header, security_headers
from services.gateway.edge.load_shedding import LoadShedder, Thresholds, UploadSlots
from services.gateway.edge.rate_limits import RateLimit, RedisRateLimiter
from services.gateway.http.asyncapi_route import asyncapi_route
from services.gateway.http.document_routes import DocumentsController
from services.gateway.http.openapi import openapi_config
from services.gateway.http.search_route import search_route
from services.gateway.http.status_events import document_events
from services.gateway.http.upload_route import UploadGate, upload
from services.gateway.intake.scanning import build_scanner
from services.gateway.reconciler import Reconciler
from services.gateway.settings import GatewaySettings
from services.gateway.storage.documents import PgDocuments
from services.gateway.storage.fault_hooks import with_fault_hooks
from services.gateway.storage.group_commit import GroupCommitDocuments
from services.gateway.storage.idempotency import RedisIdempotency
from services.gateway.storage.object_writer import PipelinedObjectWriter
from shared.adapters import Adapters, open_adapters
from shared.db.guarded import GuardedPool
from shared.db.pool import record_pool_metrics
from shared.health import Check
from shared.web.observe import observe_requests
from shared.web.ops import ops_routes
from shared.web.problems import EXCEPTION_HANDLERS
from shared.web.serve import make_server

log = logging.getLogger(__name__)

SERVICE = "gateway"
MULTIPART_MARGIN = 1024 * 1024
MB = 1024 * 1024


@dataclass
class Gateway:
    """Everything the gateway runs on, built once by ``build_gateway``."""

    adapters: Adapters
    db: GuardedPool
    documents: PgDocuments
    objects: ObjectWriter
    uploads: UploadGate
    guard: GuardConfig
    reconciler: Reconciler | None
    bus_door: BusDoor | None


def build_gateway(settings: GatewaySettings, adapters: Adapters, *, reconcile: bool) -> Gateway:
    # Request paths reach PostgreSQL through a breaker: while it is away they answer 503 at once.
    db = GuardedPool(adapters.pool)
    documents = PgDocuments(db)
    admission = AdmissionDeps(
        documents=with_fault_hooks(GroupCommitDocuments(documents)),
        objects=PipelinedObjectWriter(adapters.js, adapters.uploads, adapters.names.uploads_bucket),
        publisher=adapters.publisher,
        names=adapters.names,
        policy=settings.intake_policy(),
        scanner=build_scanner(
            settings.clamd_url,
            io_timeout=settings.clamd_timeout,
            max_stream_bytes=settings.clamd_max_stream_bytes,
        ),
        idempotency=RedisIdempotency(adapters.redis, ttl_seconds=settings.idempotency_ttl_seconds),
        spool_dir=settings.spool_dir,
        spool_memory_bytes=settings.spool_memory_bytes,
    )
    return Gateway(
        adapters=adapters,
        db=db,
        documents=documents,
        objects=admission.objects,
        uploads=UploadGate(
            slots=UploadSlots(settings.max_concurrent_uploads),
            shedder=LoadShedder(_thresholds(settings)),
            admission=admission,
        ),
        guard=GuardConfig(
            authenticator=Authenticator(
                PgApiKeys(db), cache_seconds=settings.api_key_cache_seconds
            ),
            limiter=RedisRateLimiter(adapters.redis, fail_open=settings.rate_limit_fail_open),
            upload_limit=RateLimit.parse(settings.rate_limit_uploads),
            read_limit=RateLimit.parse(settings.rate_limit_reads),
            trusted_proxies=parse_networks(settings.trusted_proxies),
        ),
        reconciler=Reconciler(
            adapters.pool, adapters.js, adapters.publisher, adapters.names, settings.reconciler
        )
        if reconcile
        else None,
        bus_door=_bus_door(settings, adapters, admission)
        if settings.busdoor.busdoor_enabled
        else None,
    )


def _thresholds(settings: GatewaySettings) -> Thresholds:
    return Thresholds(
        backlog={
            "low": settings.shed_backlog_low,
            "normal": settings.shed_backlog_normal,
            "high": settings.shed_backlog_high,
        },
        memory_bytes={
            "low": settings.shed_memory_low_mb * MB,
            "normal": settings.shed_memory_normal_mb * MB,
            "high": settings.shed_memory_high_mb * MB,
        },
    )


def _bus_door(settings: GatewaySettings, adapters: Adapters, admission: AdmissionDeps) -> BusDoor:
    """The NATS front door admits through the HTTP door's own ``AdmissionDeps``: one validation,
    storage and deduplication path, the same limits and scanner."""
    desk = SubmissionDesk(
        namespace=adapters.names.namespace,
        admission=admission,
        bucket=adapters.uploads,
        metadata=PgMetadata(adapters.pool),
    )
    return BusDoor(
        nc=adapters.nc,
        js=adapters.js,
        names=adapters.names,
        publisher=adapters.publisher,
        desk=desk,
        concurrency=settings.busdoor.busdoor_concurrency,
        relay=settings.busdoor.busdoor_relay,
        replicas=settings.nats_replicas,
    )


def create_app(settings: GatewaySettings, adapters: Adapters | None = None) -> Litestar:
    """The app; with ``adapters`` given it runs on them (and leaves reconciling to others)."""
    state = State({"settings": settings, "gateway": None})

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = adapters is None
        opened = await open_adapters(settings, SERVICE) if adapters is None else adapters
        gateway = state.gateway = build_gateway(settings, opened, reconcile=owned)
        async with _running(gateway, settings):
            yield
        if owned:
            await opened.close()

    def checks() -> dict[str, Check]:
        if state.gateway is None:
            return {}
        record_pool_metrics(state.gateway.adapters.pool, SERVICE)
        return state.gateway.adapters.checks()

    return Litestar(
        route_handlers=[
            DocumentsController,
            upload,
            document_events,
            search_route,
            asyncapi_route,
            *ops_routes(checks),
        ],
        dependencies={
            "tenant": Provide(tenant_of, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
            **{part: _provide(part) for part in ("db", "documents", "objects", "uploads")},
        },
        lifespan=[lifespan],
        state=state,
        middleware=[
            observe_requests(SERVICE),
            security_headers,
            # The guard is built in the lifespan, after the middleware stack: read it late.
            make_guard(lambda: state.gateway.guard if state.gateway else None),
            complete_allow_header,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
        request_max_body_size=settings.largest_upload() + MULTIPART_MARGIN,
        openapi_config=openapi_config(),
    )


def _provide(part: str) -> Provide:
    """A dependency: one part of the built ``Gateway`` (documents, objects, uploads, db)."""

    def provider(state: State) -> Any:
        return getattr(state.gateway, part)

    return Provide(provider, sync_to_thread=False)


def tenant_of(request: Request[Any, Any, Any]) -> str:
    """The tenant of the API key that authenticated this request (set by the guard)."""
    return str(request.state[PRINCIPAL].tenant)


@asynccontextmanager
async def _running(gateway: Gateway, settings: GatewaySettings) -> AsyncIterator[None]:
    """The gateway's background work: backlog watch, reconciler and the bus door."""
    stopping = asyncio.Event()
    adapters = gateway.adapters
    background = [
        asyncio.create_task(
            gateway.uploads.shedder.watch_backlog(
                adapters.js,
                adapters.names.documents_stream,
                settings.backlog_poll_seconds,
                stopping,
            )
        )
    ]
    if gateway.reconciler is not None:
        background.append(asyncio.create_task(gateway.reconciler.run(stopping)))
    door = gateway.bus_door
    try:
        if door is not None:
            await door.start()
            log.info("bus door open", extra={"namespace": adapters.names.namespace})
        yield
    finally:
        if door is not None:
            await door.stop()
        stopping.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.gather(*background), 5)


def make_gateway_server(settings: GatewaySettings, app: Litestar | None = None) -> uvicorn.Server:
    server = make_server(app or create_app(settings), settings.host, settings.gateway_port)
    # uvicorn would rewrite the client address from X-Forwarded-For for any loopback peer;
    # the gateway decides itself, from SUM_TRUSTED_PROXIES (see edge/client_address.py).
    server.config.proxy_headers = False
    return server
