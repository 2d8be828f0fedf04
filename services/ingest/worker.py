"""Composition root of the ingest service: its handler on real adapters, run as a stage."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from services.ingest.extraction import ExtractedText, extract_isolated, shutdown_pool
from services.ingest.handlers import IngestDeps, ingest_document
from services.ingest.repository import BucketOriginals, PgTextStore
from services.ingest.settings import IngestSettings
from shared.adapters import Adapters
from shared.events import DocumentReceivedV1
from shared.retention import start_retention
from shared.stage import Handlers, Stage


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


def ingest_stage(settings: IngestSettings) -> Stage:
    @contextlib.asynccontextmanager
    async def compose(adapters: Adapters) -> AsyncIterator[Handlers]:
        deps = build_deps(adapters, settings)
        # Retention sweeps run in every ingest replica (one at a time, by advisory lock).
        stop_sweeping = asyncio.Event()
        retention = start_retention(
            adapters.pool, adapters.uploads, settings.retention, stop_sweeping
        )
        try:
            yield {DocumentReceivedV1: lambda event: ingest_document(event, deps)}
        finally:
            stop_sweeping.set()
            if retention is not None:
                retention.cancel()
            shutdown_pool()

    return Stage(
        "ingest", settings.ingest_port, settings.ingest_concurrency, settings.ingest_batch, compose
    )
