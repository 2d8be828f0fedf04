"""Opens the bus door inside the gateway process, on the gateway's own adapters.

The door admits through ``services.gateway.admission.admit`` with the gateway's own
``AdmissionDeps`` (``state.admission_deps``, built by ``app.wire``), so both doors share one
validation, storage and deduplication path and the same limits and scanner settings.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, cast

import msgspec
from litestar import Litestar, get

from services.gateway.admission import AdmissionDeps
from services.gateway.busdoor.desk import SubmissionDesk
from services.gateway.busdoor.door import BusDoor
from services.gateway.busdoor.metadata import PgMetadata
from services.gateway.intake import IntakePolicy
from services.gateway.intake.scanning import build_scanner
from services.gateway.storage.documents import PgDocuments
from services.gateway.storage.idempotency import RedisIdempotency
from services.gateway.storage.object_writer import PipelinedObjectWriter
from shared.adapters import Adapters
from shared.config import CommonSettings, load_settings
from shared.events.asyncapi import asyncapi_yaml

log = logging.getLogger(__name__)


class BusDoorSettings(msgspec.Struct, kw_only=True):
    """``SUM_BUSDOOR_ENABLED``, ``SUM_BUSDOOR_CONCURRENCY``, ``SUM_BUSDOOR_RELAY``."""

    busdoor_enabled: bool = True
    # Submits handled at once per gateway process (each entrance).
    busdoor_concurrency: int = 16
    # Republish document events under each tenant's subjects (one relay per installation is
    # enough; every gateway replica joins the same queue group).
    busdoor_relay: bool = True


def default_admission_deps(adapters: Adapters) -> AdmissionDeps:
    return AdmissionDeps(
        documents=PgDocuments(adapters.pool),
        # Any: the writer takes a BinaryIO where the port says IO[bytes]; both are files here.
        objects=cast(
            Any,
            PipelinedObjectWriter(adapters.js, adapters.uploads, adapters.names.uploads_bucket),
        ),
        publisher=adapters.publisher,
        names=adapters.names,
        policy=IntakePolicy(),
        scanner=build_scanner(None),
        # Keys of one installation (or test run) never answer for another's documents.
        idempotency=RedisIdempotency(adapters.redis, prefix=f"{adapters.names.namespace}:idem:"),
    )


async def open_bus_door(state: Any) -> BusDoor | None:
    """Start the bus door for the gateway whose Litestar ``state`` is given (None: disabled)."""
    settings = load_settings(BusDoorSettings)
    if not settings.busdoor_enabled:
        return None
    adapters: Adapters = state.adapters
    deps = getattr(state, "admission_deps", None) or default_admission_deps(adapters)
    desk = SubmissionDesk(
        namespace=adapters.names.namespace,
        admission=deps,
        bucket=adapters.uploads,
        metadata=PgMetadata(adapters.pool),
    )
    door = BusDoor(
        nc=adapters.nc,
        js=adapters.js,
        names=adapters.names,
        publisher=adapters.publisher,
        desk=desk,
        concurrency=settings.busdoor_concurrency,
        relay=settings.busdoor_relay,
        replicas=load_settings(CommonSettings).nats_replicas,
    )
    await door.start()
    log.info("bus door open", extra={"namespace": adapters.names.namespace})
    return door


def bus_door_lifespan(state: Any) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A Litestar lifespan, listed after the one that opens the adapters: the door opens once
    they are wired and closes before they are."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        door = await open_bus_door(state)
        try:
            yield
        finally:
            if door is not None:
                await door.stop()

    return lifespan


@functools.cache
def _asyncapi_text() -> str:
    return asyncapi_yaml()


@get("/asyncapi.yaml", media_type="application/yaml", include_in_schema=False, sync_to_thread=False)
def asyncapi_route() -> str:
    """The AsyncAPI 3.0 document of the NATS interface (generated from the event Structs)."""
    return _asyncapi_text()
