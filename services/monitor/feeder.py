"""Every few seconds: read JetStream's backlog, scrape the services and the host, and hand the
alert engine one snapshot of it all.
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
from nats.js import JetStreamContext
from prometheus_client import Gauge

from services.monitor.alerts import PipelineSnapshot
from services.monitor.alerts.engine import AlertEngine
from services.monitor.alerts.snapshot import (
    ConsumerBacklog,
    DbPoolUsage,
    ServiceHeartbeat,
    ServiceTraffic,
)
from services.monitor.backlog import read_backlog
from services.monitor.host import CpuMeter, memory_percent
from services.monitor.scrape import ServiceSample, scrape_all
from shared.events import Names

log = logging.getLogger(__name__)

service_up = Gauge(
    "sum_service_up", "1 when the monitor reached the service at its last scrape", ["service"]
)


class Feeder:
    def __init__(
        self, js: JetStreamContext, names: Names, targets: dict[str, str], alerts: AlertEngine
    ) -> None:
        self.js = js
        self.names = names
        self.targets = targets
        self.alerts = alerts
        self.consumers: list[ConsumerBacklog] = []
        self.dead_letters = 0
        self._cpu = CpuMeter()
        # Every target gets the alert's grace period from the monitor's own start to show up,
        # so starting the platform does not page anyone.
        started = time.time()
        self._last_seen: dict[str, float] = dict.fromkeys(targets, started)
        self._previous: dict[str, ServiceSample] = {}

    async def run(self, interval: float) -> None:
        async with httpx.AsyncClient(timeout=min(interval, 3.0)) as client:
            while True:
                try:
                    await self.tick(client)
                except Exception as exc:  # one bad round must not end the monitoring
                    log.warning("monitor round failed: %s", exc)
                await asyncio.sleep(interval)

    async def tick(self, client: httpx.AsyncClient) -> PipelineSnapshot:
        now = time.time()
        try:
            self.consumers, self.dead_letters = await read_backlog(self.js, self.names)
        except Exception as exc:
            log.warning("could not read consumer backlog: %s", exc)
        samples = await scrape_all(client, self.targets)
        snapshot = PipelineSnapshot(
            taken_at=now,
            consumers=self.consumers,
            dead_letters=self.dead_letters,
            heartbeats=self._heartbeats(samples, now),
            traffic=self._traffic(samples),
            memory_percent=memory_percent(),
            cpu_percent=self._cpu.percent(),
            db_pools=[
                DbPoolUsage(service=s.service, in_use=int(s.db_in_use), size=int(s.db_size))
                for s in samples
                if s.up and s.db_in_use is not None and s.db_size is not None
            ],
        )
        self.alerts.update(snapshot)
        return snapshot

    def _heartbeats(self, samples: list[ServiceSample], now: float) -> list[ServiceHeartbeat]:
        for sample in samples:
            service_up.labels(sample.service).set(1 if sample.up else 0)
            if sample.up:
                self._last_seen[sample.service] = now
        return [ServiceHeartbeat(service=s, last_seen=t) for s, t in self._last_seen.items()]

    def _traffic(self, samples: list[ServiceSample]) -> list[ServiceTraffic]:
        """Requests and errors since the previous scrape (counters reset on restarts)."""
        traffic = []
        for sample in samples:
            before = self._previous.get(sample.service)
            if sample.up:
                self._previous[sample.service] = sample
            if not sample.up or before is None:
                continue
            requests = sample.requests - before.requests
            errors = sample.errors - before.errors
            if requests < 0:  # the service restarted: its counters began again
                requests, errors = sample.requests, sample.errors
            traffic.append(
                ServiceTraffic(service=sample.service, requests=int(requests), errors=int(errors))
            )
        return traffic
