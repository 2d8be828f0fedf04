from __future__ import annotations

from shared.config import CommonSettings


class IngestSettings(CommonSettings, kw_only=True):
    ingest_port: int = 5002
    ingest_concurrency: int = 4
    ingest_batch: int = 16
    # Each document is extracted in a worker process under these limits.
    extraction_timeout: float = 60.0
    extraction_memory_mb: int = 1024
