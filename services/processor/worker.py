"""Composition root of the processor service: its handler on real adapters, run as a stage."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from services.processor.abstractive import AbstractiveSummarizer
from services.processor.distil import make_distiller
from services.processor.handlers import ProcessorDeps, process_document
from services.processor.repository import PgMemoryStore
from services.processor.settings import ProcessorSettings
from shared.adapters import Adapters
from shared.events import DocumentIngestedV1
from shared.stage import Handlers, Stage


def build_deps(adapters: Adapters, abstractive: AbstractiveSummarizer | None) -> ProcessorDeps:
    return ProcessorDeps(
        memories=PgMemoryStore(adapters.pool),
        publisher=adapters.publisher,
        names=adapters.names,
        distil=make_distiller(abstractive),
    )


def processor_stage(settings: ProcessorSettings) -> Stage:
    @contextlib.asynccontextmanager
    async def compose(adapters: Adapters) -> AsyncIterator[Handlers]:
        abstractive = (
            AbstractiveSummarizer(
                settings.llm_url,
                settings.llm_model,
                settings.llm_api_key,
                timeout=settings.llm_timeout,
            )
            if settings.llm_url
            else None
        )
        deps = build_deps(adapters, abstractive)
        try:
            yield {DocumentIngestedV1: lambda event: process_document(event, deps)}
        finally:
            if abstractive is not None:
                await abstractive.close()

    return Stage(
        "processor",
        settings.processor_port,
        settings.processor_concurrency,
        settings.processor_batch,
        compose,
    )
