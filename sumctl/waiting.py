"""Following documents through the pipeline by polling their status until each is finished."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any, Protocol

from sumctl.client import GatewayClient
from sumctl.exit_codes import NOT_FOUND, CliError
from sumctl.progress import Display, Pipeline

IN_FLIGHT = ("received", "ingested")
POLL_INTERVAL = 0.5
POLL_CONCURRENCY = 8


class Tracked(Protocol):
    id: str | None
    status: str
    error: str | None
    summary: str | None


def apply_view(item: Tracked, view: dict[str, Any]) -> None:
    item.status = str(view.get("status") or item.status)
    if item.status == "failed":
        stage = view.get("failed_stage")
        reason = view.get("failure_reason") or "no reason given"
        item.error = f"{stage}: {reason}" if stage else str(reason)
    item.summary = view.get("summary") or item.summary


async def _poll(client: GatewayClient, item: Tracked, slots: asyncio.Semaphore) -> None:
    assert item.id is not None
    async with slots:
        try:
            apply_view(item, await client.document(item.id))
        except CliError as exc:
            if exc.code != NOT_FOUND:
                raise
            item.status, item.error = "failed", "the document disappeared (deleted?)"


async def follow_documents(
    client: GatewayClient,
    items: Sequence[Tracked],
    uploads: asyncio.Task[None],
    pipeline: Pipeline,
    show: Display,
    deadline: float,
) -> bool:
    """Poll until every accepted item is processed or failed; False when the deadline passed.

    Runs alongside the uploads, so documents are followed as soon as they are accepted.
    """
    slots = asyncio.Semaphore(POLL_CONCURRENCY)
    while True:
        if uploads.done() and uploads.exception() is not None:
            return False  # the caller re-raises the upload error
        pending = [i for i in items if i.id is not None and i.status in IN_FLIGHT]
        if pending:
            await asyncio.gather(*(_poll(client, i, slots) for i in pending))
        rejected = sum(1 for i in items if i.status == "rejected")
        pipeline.total = len(items) - rejected
        pipeline.processed = sum(1 for i in items if i.status == "processed")
        pipeline.failed = sum(1 for i in items if i.status == "failed")
        show.update()
        if uploads.done() and not any(i.status in IN_FLIGHT for i in items):
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL_INTERVAL)
