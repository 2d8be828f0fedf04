"""Composition root of the ingest service: real adapters in, handlers wired to the runner."""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.ingest.extraction import ExtractedText, extract_isolated, shutdown_pool
from services.ingest.handlers import IngestDeps, ingest_document
from services.ingest.repository import BucketOriginals, PgTextStore
from services.ingest.settings import IngestSettings
from shared.adapters import Adapters, open_adapters
from shared.events import DocumentReceivedV1, decode
from shared.messaging.delivery import Delivery
from shared.retention import start_retention
from shared.stage import run_stage

STAGE = "ingest"


def build_deps(adapters: Adapters, settings: IngestSettings) -> IngestDeps:
    async def extract(path: Path, kind: str) -> ExtractedText:
        return await extract_isolated(
            path,
            kind,
            timeout_s=settings.extraction_timeout,
            memory_mb=settings.extraction_memory_mb,
        )

    return IngestDeps(
        texts=PgTextStore(adapters.pool),
        originals=BucketOriginals(adapters.uploads),
        publisher=adapters.publisher,
        names=adapters.names,
        extract=extract,
    )


async def main(stopping: asyncio.Event, settings: IngestSettings) -> None:
    adapters = await open_adapters(settings, STAGE)
    deps = build_deps(adapters, settings)

    async def handle(delivery: Delivery) -> None:
        await ingest_document(decode(delivery.data, DocumentReceivedV1), deps)

    retention: asyncio.Task[None] | None = None
    try:
        retention = start_retention(adapters.pool, adapters.uploads, stopping)
        await run_stage(
            stage=STAGE,
            settings=settings,
            adapters=adapters,
            port=settings.ingest_port,
            handler=handle,
            concurrency=settings.ingest_concurrency,
            batch=settings.ingest_batch,
            stopping=stopping,
        )
    finally:
        if retention is not None:
            retention.cancel()
        shutdown_pool()
