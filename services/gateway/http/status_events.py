"""``GET /v1/documents/{id}/events``: Server-Sent Events of a document's status changes.

The first event is the current status; a new event follows each change, and the stream ends after
a terminal status (``processed`` or ``failed``) or after ``events_max_seconds``. Status is read
from PostgreSQL every ``events_poll_seconds``: simple, and right across gateway replicas.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage

from services.gateway.http.document_routes import TERMINAL, not_found, parse_id
from services.gateway.http.openapi import API_KEY_REQUIRED, READ_PROBLEMS
from services.gateway.http.schemas import StatusChange, StatusEvent
from services.gateway.settings import GatewaySettings
from services.gateway.storage.documents import PgDocuments


def _change(document_id: str, row: dict[str, Any]) -> ServerSentEventMessage:
    change = StatusChange(
        id=document_id,
        status=row["status"],
        terminal=row["status"] in TERMINAL,
        failure_reason=row.get("failure_reason"),
        failed_stage=row.get("failed_stage"),
    )
    return ServerSentEventMessage(data=msgspec.json.encode(change).decode(), event="status")


async def _changes(
    documents: PgDocuments,
    tenant: str,
    document_id: str,
    first: dict[str, Any],
    settings: GatewaySettings,
) -> AsyncIterator[ServerSentEventMessage]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.events_max_seconds
    row: dict[str, Any] | None = first
    last = None
    while row is not None:
        if row["status"] != last:
            last = row["status"]
            yield _change(document_id, row)
        if last in TERMINAL or loop.time() >= deadline:
            return
        await asyncio.sleep(settings.events_poll_seconds)
        row = await documents.status(tenant, document_id)
    # Deleted while watched: say so, then end.
    yield ServerSentEventMessage(data='{"deleted": true}', event="deleted")


@get(
    "/v1/documents/{document_id:str}/events",
    summary="Status changes of a document as Server-Sent Events, until it is processed or failed",
    tags=["documents"],
    security=API_KEY_REQUIRED,
    responses={
        200: ResponseSpec(
            data_container=StatusEvent,
            media_type="text/event-stream",
            description="`event: status` messages, each `data` a JSON StatusChange",
            generate_examples=False,
        ),
        **READ_PROBLEMS,
    },
)
async def document_events(
    documents: NamedDependency[PgDocuments],
    settings: NamedDependency[GatewaySettings],
    tenant: NamedDependency[str],
    document_id: FromPath[str],
) -> ServerSentEvent:
    key = parse_id(document_id)
    first = await documents.status(tenant, key)
    if first is None:
        raise not_found()
    return ServerSentEvent(_changes(documents, tenant, key, first, settings))
