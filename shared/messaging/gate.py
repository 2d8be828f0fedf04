"""A stage-wide gate that closes while a dependency is down and opens once a probe passes.

It is the runner's circuit breaker for whole-stage outages (PostgreSQL, JetStream): while it is
closed the runner fetches nothing, messages already in hand are held (with heartbeats) instead
of being retried into the dead-letter stream, and readiness reports the stage as unavailable.
The state lives in a ``shared.resilience.CircuitBreaker`` named ``<stage>-dependencies``, so it
is exported like every other breaker (``sum_circuit_breaker_state``): one confirmed failure
opens it, and after ``retry_every`` seconds a single half-open probe decides whether it closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from shared.messaging.outcomes import is_infrastructure_failure
from shared.resilience import BreakerState, CircuitBreaker, CircuitOpenError
from shared.resilience.metrics import export_breaker_state
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
        retry_every: float = 0.5,
        probe_timeout: float = 2.0,
    ) -> None:
        self.stage = stage
        self.probe = probe
        self.probe_timeout = probe_timeout
        self.reason = ""
        self._open = asyncio.Event()
        self._open.set()
        self._watcher: asyncio.Task[None] | None = None
        self._closed_at = 0.0
        self.breaker = CircuitBreaker(
            f"{stage}-dependencies",
            failure_threshold=1,  # a failure only reaches the gate once the probe confirmed it
            reset_timeout=retry_every,
            on_state_change=export_breaker_state,
        )
        metrics.dependency_gate_open.labels(stage).set(1)

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    async def confirm_outage(self, error: BaseException | None = None) -> bool:
        """After a failure that looks like an outage: is a dependency really down right now?

        An ``error`` that can only come from infrastructure is proof enough; anything else is
        checked with the probe."""
        if self.probe is None:
            return False
        if not self.is_open:
            return True
        try:
            permit = self.breaker.acquire()
        except CircuitOpenError:
            return True
        if is_infrastructure_failure(error):
            permit.failure()
            self._close(f"{type(error).__name__}: {error}"[:200])
            return True
        problem = await self._run_probe()
        if problem is None:
            permit.success()
            return False
        permit.failure()
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
            self._watcher = asyncio.create_task(self._probe_until_closed())

    async def _probe_until_closed(self) -> None:
        """Half-open probing until the breaker closes again."""
        while self.breaker.state is not BreakerState.CLOSED:
            await asyncio.sleep(self.breaker.reset_timeout)
            try:
                permit = self.breaker.acquire()
            except CircuitOpenError:
                continue
            problem = await self._run_probe()
            if problem is None:
                permit.success()
            else:
                self.reason = problem
                permit.failure()
        down_for = time.monotonic() - self._closed_at
        log.info("%s resumed: dependencies answer again after %.1fs", self.stage, down_for)
        self.reason = ""
        self._open.set()
        metrics.dependency_gate_open.labels(self.stage).set(1)
