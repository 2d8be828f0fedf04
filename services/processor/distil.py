"""From source text to memories: extractive ranking, then an abstractive summary if configured."""

from __future__ import annotations

import asyncio

import msgspec

from services.processor.abstractive import AbstractiveSummarizer
from services.processor.ports import Distiller, SourceText
from services.processor.summarization import Memories, summarize


def make_distiller(abstractive: AbstractiveSummarizer | None) -> Distiller:
    async def distil(source: SourceText) -> Memories:
        # The ranking is CPU work: keep the event loop free for heartbeats and other jobs.
        memories = await asyncio.to_thread(
            summarize, source.text, language=source.language, sections=source.sections
        )
        if abstractive is None or not source.text.strip():
            return memories
        summary = await abstractive.summarize(memories.summaries.get("long") or source.text)
        if summary is None:
            return memories  # the extractive summary stands
        return msgspec.structs.replace(
            memories,
            summaries={**memories.summaries, "abstractive": summary},
            method=f"{memories.method}+{abstractive.method}",
        )

    return distil
