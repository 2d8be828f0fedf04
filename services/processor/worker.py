"""Composition root of the processor service."""

from __future__ import annotations

import asyncio

from services.processor.abstractive import AbstractiveSummarizer
from services.processor.distil import make_distiller
from services.processor.handlers import ProcessorDeps, process_document
from services.processor.repository import PgMemoryStore
from services.processor.settings import ProcessorSettings
from shared.adapters import Adapters, open_adapters
from shared.events import DocumentIngestedV1, decode
from shared.messaging.delivery import Delivery
from shared.stage import run_stage

STAGE = "processor"


def build_deps(adapters: Adapters, abstractive: AbstractiveSummarizer | None) -> ProcessorDeps:
    return ProcessorDeps(
        memories=PgMemoryStore(adapters.pool),
        publisher=adapters.publisher,
        names=adapters.names,
        distil=make_distiller(abstractive),
    )


async def main(stopping: asyncio.Event, settings: ProcessorSettings) -> None:
    adapters = await open_adapters(settings, STAGE)
    abstractive = (
        AbstractiveSummarizer(
            settings.llm_url, settings.llm_model, settings.llm_api_key, timeout=settings.llm_timeout
        )
        if settings.llm_url
        else None
    )
    deps = build_deps(adapters, abstractive)

    async def handle(delivery: Delivery) -> None:
        await process_document(decode(delivery.data, DocumentIngestedV1), deps)

    try:
        await run_stage(
            stage=STAGE,
            settings=settings,
            adapters=adapters,
            port=settings.processor_port,
            handler=handle,
            concurrency=settings.processor_concurrency,
            batch=settings.processor_batch,
            stopping=stopping,
        )
    finally:
        if abstractive is not None:
            await abstractive.close()
