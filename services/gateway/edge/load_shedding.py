"""Protecting the gateway and the pipeline behind it: a cap on concurrent uploads and load shedding.

Shedding looks at two pressures: the pipeline backlog (messages pending or unacknowledged on the
ingest and processor consumers, read from JetStream every few seconds: one cheap request) and this
process's resident memory. Each priority has its own thresholds, lowest for ``low``: as pressure
grows, low-priority uploads are refused first and high-priority ones last.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from nats.js import JetStreamContext
from prometheus_client import Counter, Gauge

from shared.errors import RetryableError
from shared.events import Priority
from shared.web.problems import Problem

log = logging.getLogger(__name__)

SHED = Counter("sum_gateway_shed", "Uploads refused by load shedding", ["priority", "reason"])
BUSY = Counter("sum_gateway_upload_cap_refusals", "Uploads refused at the concurrency cap")
BACKLOG = Gauge("sum_gateway_pipeline_backlog", "Pipeline backlog as last seen by the gateway")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_PIPELINE_STAGES = ("ingest-", "processor-")
# Reading /proc on every upload costs more than the rest of the check; memory does not move
# meaningfully in a tenth of a second.
RSS_REFRESH_SECONDS = 0.1


class Overloaded(Problem, RetryableError):
    """Refused with 503 and Retry-After: the gateway or the pipeline behind it is too busy."""

    status = 503
    title = "Service unavailable"


class TooManyUploads(Overloaded):
    problem_type = "too-many-uploads"
    retry_after = 1


class PipelineBusy(Overloaded):
    problem_type = "pipeline-busy"
    retry_after = 30


class GatewayBusy(Overloaded):
    problem_type = "gateway-busy"
    retry_after = 5


class UploadSlots:
    """At most ``limit`` uploads at once in this process; beyond that, refuse rather than queue."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0

    @contextlib.contextmanager
    def take(self) -> Iterator[None]:
        if self.in_use >= self.limit:
            BUSY.inc()
            raise TooManyUploads(f"more than {self.limit} uploads are in progress")
        self.in_use += 1
        try:
            yield
        finally:
            self.in_use -= 1


@dataclass(frozen=True)
class Thresholds:
    backlog: dict[str, int]  # priority -> pending messages at which it is refused
    memory_bytes: dict[str, int]  # priority -> resident bytes at which it is refused


def resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class LoadShedder:
    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        self.backlog = 0
        self._rss = 0
        self._rss_read_at = float("-inf")

    def _resident_bytes(self) -> int:
        now = time.monotonic()
        if now - self._rss_read_at >= RSS_REFRESH_SECONDS:
            self._rss, self._rss_read_at = resident_bytes(), now
        return self._rss

    def check(self, priority: Priority) -> None:
        if self.backlog >= self.thresholds.backlog[priority]:
            SHED.labels(priority, "backlog").inc()
            raise PipelineBusy(
                f"the pipeline backlog ({self.backlog} documents) is too long for "
                f"{priority}-priority uploads; try again later or with a higher priority"
            )
        rss = self._resident_bytes()
        if rss >= self.thresholds.memory_bytes[priority]:
            SHED.labels(priority, "memory").inc()
            raise GatewayBusy(f"the gateway is short of memory for {priority}-priority uploads")

    async def watch_backlog(
        self, js: JetStreamContext, stream: str, interval: float, stopping: asyncio.Event
    ) -> None:
        """Refresh ``backlog`` every ``interval`` seconds until ``stopping`` is set."""
        while not stopping.is_set():
            try:
                consumers = await js.consumers_info(stream)
                self.backlog = sum(
                    (c.num_pending or 0) + (c.num_ack_pending or 0)
                    for c in consumers
                    if (c.name or "").startswith(_PIPELINE_STAGES)
                )
                BACKLOG.set(self.backlog)
            except Exception as exc:  # keep the last figure; NATS trouble shows up elsewhere
                log.debug("backlog refresh failed: %r", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), interval)
