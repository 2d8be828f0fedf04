"""Ingest settings, each read from ``SUM_<FIELD NAME>`` (see shared/config.py)."""

from __future__ import annotations

import msgspec

from shared.retention import RetentionSettings
from shared.stage import StageSettings


class IngestSettings(StageSettings, kw_only=True):
    ingest_port: int = 5002
    ingest_concurrency: int = 4
    ingest_batch: int = 16
    # Each document is extracted in a worker process under these limits.
    extraction_timeout: float = 60.0
    extraction_memory_mb: int = 1024
    # SUM_RETENTION_DAYS (0: keep forever), SUM_RETENTION_INTERVAL, SUM_RETENTION_BATCH
    retention: RetentionSettings = msgspec.field(default_factory=RetentionSettings)
