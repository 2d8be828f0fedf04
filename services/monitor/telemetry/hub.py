"""The telemetry core's state: a bounded ingestion queue feeding span metrics, the trace store
and the forwarder from a single worker task.

The receiver only decodes and enqueues, so a burst of exports is absorbed by the queue and, once
the queue is full, pushed back to the senders (503 + Retry-After) instead of growing memory.
"""

import asyncio
import logging

import msgspec
from prometheus_client import CollectorRegistry, Counter, Gauge

from services.monitor.work_queue import WorkQueue, cancel_all

from .config import TelemetrySettings
from .forwarding import ForwardBatch, Forwarder
from .model import SpanRecord
from .spanmetrics import SpanMetrics
from .store import TraceStore

logger = logging.getLogger(__name__)

# Spans are applied in slices so a very large batch does not hold the event loop for long.
_SPANS_PER_SLICE = 500


class IngestBatch(msgspec.Struct, frozen=True):
    spans: list[SpanRecord]
    forward: ForwardBatch | None
    size_bytes: int


class TelemetryHub:
    def __init__(
        self, settings: TelemetrySettings, registry: CollectorRegistry | None = None
    ) -> None:
        self.settings = settings
        self.registry = registry if registry is not None else CollectorRegistry()
        self.store = TraceStore(
            settings.trace_store_traces,
            settings.trace_store_spans,
            settings.trace_max_spans_per_trace,
        )
        self.span_metrics = SpanMetrics(self.registry, settings.spanmetrics_max_series)
        self.forwarder: Forwarder | None = None
        if settings.forward_otlp:
            self.forwarder = Forwarder(
                settings.forward_otlp,
                self.registry,
                max_batches=settings.forward_queue_batches,
                timeout_seconds=settings.forward_timeout_seconds,
            )
        self._queue: WorkQueue[IngestBatch] = WorkQueue()
        self._queued_bytes = 0
        self._tasks: list[asyncio.Task[None]] = []
        self.requests = Counter(
            "sum_monitor_otlp_requests",
            "OTLP/HTTP export requests, by signal and outcome.",
            ["signal", "outcome"],
            registry=self.registry,
        )
        self.items = Counter(
            "sum_monitor_otlp_items",
            "Spans and metric data points received, by signal and outcome.",
            ["signal", "outcome"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "sum_monitor_ingest_queue_batches",
            "Decoded OTLP batches waiting for the ingestion worker.",
            registry=self.registry,
        )

    def has_room(self, size_bytes: int) -> bool:
        return (
            len(self._queue) < self.settings.ingest_queue_batches
            and self._queued_bytes + size_bytes <= self.settings.ingest_queue_bytes
        )

    def try_enqueue(self, batch: IngestBatch) -> bool:
        """Queue a batch for the worker; False when the queue is full (caller answers 503)."""
        if not self.has_room(batch.size_bytes):
            return False
        self._queue.put(batch)
        self._queued_bytes += batch.size_bytes
        self.queue_depth.set(len(self._queue))
        return True

    async def start(self) -> None:
        if self._tasks:
            return
        self._tasks.append(asyncio.create_task(self._work(), name="monitor-telemetry-ingest"))
        if self.forwarder is not None:
            self._tasks.append(asyncio.create_task(self.forwarder.run(), name="monitor-forward"))

    async def stop(self) -> None:
        """Apply what is still queued, then stop the worker and the forwarder."""
        while (batch := self._queue.pop_nowait()) is not None:
            await self._apply(batch)
        await cancel_all(self._tasks)

    async def _work(self) -> None:
        while True:
            batch = await self._queue.get()
            try:
                await self._apply(batch)
            except Exception:
                # One bad batch must not stop ingestion for the whole platform.
                logger.exception("failed to apply a telemetry batch")

    async def _apply(self, batch: IngestBatch) -> None:
        self._queued_bytes -= batch.size_bytes
        self.queue_depth.set(len(self._queue))
        spans = batch.spans
        for offset in range(0, len(spans), _SPANS_PER_SLICE):
            chunk = spans[offset : offset + _SPANS_PER_SLICE]
            self.span_metrics.record(chunk)
            self.store.add(chunk)
            if offset + _SPANS_PER_SLICE < len(spans):
                await asyncio.sleep(0)
        if batch.forward is not None and self.forwarder is not None:
            self.forwarder.enqueue(batch.forward)
