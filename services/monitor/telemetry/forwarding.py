"""Forward received OTLP bodies to another receiver (``SUM_MONITOR_FORWARD_OTLP``).

Bodies are queued as received (decompressed, original content type) and sent by one task.
The queue is bounded: when it is full the oldest batch is dropped and counted, because recent
telemetry is worth more than old telemetry and the monitor must not grow without limit while
the downstream collector is away.
"""

import asyncio
import logging

import msgspec
from prometheus_client import CollectorRegistry, Counter, Gauge

from services.monitor.work_queue import WorkQueue

from .http_client import HttpPostError, http_post

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class ForwardBatch(msgspec.Struct, frozen=True):
    path: str  # "/v1/traces" or "/v1/metrics"
    content_type: str
    body: bytes


class Forwarder:
    def __init__(
        self,
        endpoint: str,
        registry: CollectorRegistry,
        max_batches: int = 512,
        timeout_seconds: float = 5.0,
        max_attempts: int = 5,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._queue: WorkQueue[ForwardBatch] = WorkQueue(max_batches)
        self._timeout = timeout_seconds
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._max_backoff = max_backoff_seconds
        self.batches = Counter(
            "sum_monitor_forward_batches",
            "OTLP batches handled by the forwarder, by outcome.",
            ["outcome"],
            registry=registry,
        )
        self.queue_depth = Gauge(
            "sum_monitor_forward_queue_batches",
            "OTLP batches waiting to be forwarded.",
            registry=registry,
        )

    @property
    def pending(self) -> int:
        return len(self._queue)

    def enqueue(self, batch: ForwardBatch) -> None:
        if self._queue.put(batch) is not None:
            self.batches.labels("dropped_queue_full").inc()
        self.queue_depth.set(len(self._queue))

    async def run(self) -> None:
        """Send queued batches until cancelled."""
        while True:
            batch = await self._queue.get()
            self.queue_depth.set(len(self._queue))
            outcome = await self._deliver(batch)
            self.batches.labels(outcome).inc()

    async def _deliver(self, batch: ForwardBatch) -> str:
        delay = self._backoff
        for attempt in range(1, self._max_attempts + 1):
            retryable, outcome = await self._attempt(batch)
            if not retryable:
                return outcome
            if attempt < self._max_attempts:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_backoff)
        logger.warning("forwarding gave up after %d attempts", self._max_attempts)
        return "failed"

    async def _attempt(self, batch: ForwardBatch) -> tuple[bool, str]:
        """One POST; returns (should retry, outcome label if not)."""
        try:
            status = await http_post(
                self._endpoint + batch.path,
                batch.body,
                {"Content-Type": batch.content_type},
                timeout_seconds=self._timeout,
            )
        except HttpPostError as exc:
            logger.info("forwarding attempt failed: %s", exc)
            return True, "failed"
        if 200 <= status < 300:
            return False, "sent"
        if status in RETRYABLE_STATUSES:
            return True, "failed"
        logger.warning("forward target rejected a batch with HTTP %d", status)
        return False, "rejected"
