"""``GET /api/pipeline``: the pipeline figures the dashboard draws, filled by the monitor app."""

import msgspec

from services.monitor.alerts.snapshot import ConsumerBacklog

# The dashboard lists the very backlog rows the alert rules look at.
ConsumerView = ConsumerBacklog


class LatencyView(msgspec.Struct, frozen=True, kw_only=True):
    """End-to-end document latency percentiles over the recent window, in milliseconds."""

    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0


class DocumentCounts(msgspec.Struct, frozen=True, kw_only=True):
    received: int = 0
    ingested: int = 0
    processed: int = 0
    failed: int = 0


class PipelineView(msgspec.Struct, frozen=True, kw_only=True):
    consumers: list[ConsumerView] = []
    dead_letters: int = 0
    # Documents completed per minute, oldest minute first (the dashboard draws them in order).
    throughput_per_min: list[float] = []
    latency_ms: LatencyView = LatencyView()
    documents: DocumentCounts = DocumentCounts()
