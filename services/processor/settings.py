"""Processor settings, each read from ``SUM_<FIELD NAME>`` (see shared/config.py)."""

from __future__ import annotations

from shared.stage import StageSettings


class ProcessorSettings(StageSettings, kw_only=True):
    processor_port: int = 5003
    processor_concurrency: int = 4
    processor_batch: int = 16
    # Optional abstractive summaries from an OpenAI-compatible endpoint (e.g. http://host/v1).
    llm_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    llm_timeout: float = 20.0
