"""Limits and endpoints of the telemetry core, read from ``SUM_MONITOR_*`` variables (a group of
MonitorSettings)."""

from typing import ClassVar

import msgspec

MIB = 1024 * 1024


class TelemetrySettings(msgspec.Struct, frozen=True, kw_only=True):
    """Bounds for everything the receiver keeps in memory.

    Each field is read from ``SUM_MONITOR_<FIELD NAME IN CAPITALS>``, all optional, e.g.
    ``SUM_MONITOR_OTLP_MAX_BODY_BYTES`` or ``SUM_MONITOR_FORWARD_OTLP`` (base URL of another
    OTLP/HTTP receiver such as ``http://collector:4318``; forwarding is off when unset).
    """

    env_prefix: ClassVar[str] = "MONITOR_"

    # Applies both to the bytes on the wire and to the decompressed body (gzip bombs).
    otlp_max_body_bytes: int = 20 * MIB
    ingest_queue_batches: int = 256
    # Decoded batches are held until the worker gets to them; their wire size is the proxy.
    ingest_queue_bytes: int = 64 * MIB
    # Above this size a body is decoded in a worker thread so the event loop stays responsive.
    offload_decode_bytes: int = 256 * 1024
    trace_store_traces: int = 2_000
    trace_store_spans: int = 100_000
    trace_max_spans_per_trace: int = 2_000
    spanmetrics_max_series: int = 2_000
    forward_otlp: str | None = None
    forward_queue_batches: int = 512
    forward_timeout_seconds: float = 5.0
    retry_after_seconds: int = 2
