"""A stage-wide gate that closes while a dependency is down and opens once a probe passes.

It is the runner's circuit breaker for whole-stage outages: while it is closed the runner fetches
nothing, messages already in hand are held (with heartbeats) instead of being retried into the
dead-letter stream, and readiness reports the stage as unavailable. One background task probes
with capped backoff; everyone else just waits for the gate to open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from shared.telemetry import metrics

log = logging.getLogger(__name__)

# Raises (or times out) when a dependency the stage cannot work without is unavailable.
Probe = Callable[[], Awaitable[None]]


class DependencyGate:
    def __init__(
        self,
        stage: str,
        probe: Probe | None,
        *,
        first_wait: float = 0.25,
        max_wait: float = 2.0,
        probe_timeout: float = 2.0,
    ) -> None:
        self.stage = stage
        self.probe = probe
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.probe_timeout = probe_timeout
        self.reason = ""
        self._open = asyncio.Event()
        self._open.set()
        self._watcher: asyncio.Task[None] | None = None
        self._closed_at = 0.0
        metrics.dependency_gate_open.labels(stage).set(1)

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    async def confirm_outage(self) -> bool:
        """After a failure that looks like an outage: is a dependency really down right now?"""
        if self.probe is None:
            return False
        if not self.is_open:
            return True
        problem = await self._run_probe()
        if problem is None:
            return False
        self._close(problem)
        return True

    async def wait_open(self, stopping: asyncio.Event) -> bool:
        """Wait until the gate opens (True) or the process starts stopping (False)."""
        if self.is_open:
            return True
        opened = asyncio.ensure_future(self._open.wait())
        stopped = asyncio.ensure_future(stopping.wait())
        try:
            await asyncio.wait({opened, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            opened.cancel()
            stopped.cancel()
        return self.is_open and not stopping.is_set()

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher

    async def _run_probe(self) -> str | None:
        assert self.probe is not None
        try:
            await asyncio.wait_for(self.probe(), self.probe_timeout)
            return None
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"[:200]

    def _close(self, reason: str) -> None:
        self.reason = reason
        if not self._open.is_set():  # several jobs found the outage at once
            return
        self._closed_at = time.monotonic()
        self._open.clear()
        metrics.dependency_gate_open.labels(self.stage).set(0)
        log.warning("%s paused: a dependency is down (%s)", self.stage, reason)
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._probe_until_open())

    async def _probe_until_open(self) -> None:
        wait = self.first_wait
        while True:
            await asyncio.sleep(wait)
            problem = await self._run_probe()
            if problem is None:
                break
            self.reason = problem
            wait = min(wait * 2, self.max_wait)
        down_for = time.monotonic() - self._closed_at
        log.info("%s resumed: dependencies answer again after %.1fs", self.stage, down_for)
        self.reason = ""
        self._open.set()
        metrics.dependency_gate_open.labels(self.stage).set(1)
