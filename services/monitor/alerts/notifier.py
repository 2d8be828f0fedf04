"""POST alert transitions to ``SUM_MONITOR_ALERT_WEBHOOK`` without blocking evaluation."""

import asyncio
import logging

import msgspec
from prometheus_client import CollectorRegistry, Counter

from services.monitor.telemetry.http_client import HttpPostError, http_post
from services.monitor.work_queue import WorkQueue

from .state import AlertEvent

logger = logging.getLogger(__name__)
_encoder = msgspec.json.Encoder()


class WebhookNotifier:
    """Delivers events in order from one task; a bounded queue drops the oldest when full."""

    def __init__(
        self,
        url: str,
        registry: CollectorRegistry,
        timeout_seconds: float = 5.0,
        max_queued: int = 256,
        max_attempts: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        self._url = url
        self._timeout = timeout_seconds
        self._queue: WorkQueue[AlertEvent] = WorkQueue(max_queued)
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self.deliveries = Counter(
            "sum_monitor_alert_webhook",
            "Alert webhook deliveries, by outcome.",
            ["outcome"],
            registry=registry,
        )

    def notify(self, event: AlertEvent) -> None:
        if self._queue.put(event) is not None:
            self.deliveries.labels("dropped").inc()

    async def run(self) -> None:
        while True:
            event = await self._queue.get()
            self.deliveries.labels(await self._deliver(event)).inc()

    async def _deliver(self, event: AlertEvent) -> str:
        body = _encoder.encode(event)
        headers = {"Content-Type": "application/json"}
        for attempt in range(1, self._max_attempts + 1):
            try:
                status = await http_post(self._url, body, headers, self._timeout)
                if 200 <= status < 300:
                    return "sent"
                if status < 500 and status != 429:
                    logger.warning("alert webhook refused the event: HTTP %d", status)
                    return "rejected"
            except HttpPostError as exc:
                logger.info("alert webhook attempt %d failed: %s", attempt, exc)
            if attempt < self._max_attempts:
                await asyncio.sleep(self._backoff * attempt)
        return "failed"
