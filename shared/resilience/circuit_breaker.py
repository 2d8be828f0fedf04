"""A consecutive-failure circuit breaker for calls to one dependency (clamd, a remote API).

closed --N consecutive failures--> open --cool-down--> half-open --probe ok--> closed
                                     ^------------------probe fails-----------'
While open every call fails at once with CircuitOpenError instead of waiting for a timeout. In
half-open exactly one probe runs at a time; the others are refused until it reports.

Calls that span several awaits (a streamed scan) take a ``Permit`` and report its outcome; short
calls use ``await breaker.call(fn, ...)`` or ``async with breaker.acquire(): ...``.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeVar

from shared.errors import RetryableError

log = logging.getLogger(__name__)

T = TypeVar("T")


class BreakerState(enum.IntEnum):
    # The values are the exported gauge values.
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


StateListener = Callable[[str, BreakerState], None]


class CircuitOpenError(RetryableError):
    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit {name!r} is open; retry in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        on_state_change: StateListener | None = None,
        ignored: tuple[type[BaseException], ...] = (),
    ) -> None:
        if failure_threshold < 1 or reset_timeout < 0:
            raise ValueError("failure_threshold must be >= 1 and reset_timeout >= 0")
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        # Exceptions that say nothing about the dependency's health (bad input): not failures.
        self.ignored = ignored
        self._clock = clock
        self._listener = on_state_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False
        self._notify()

    @property
    def state(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._cool_down_left() <= 0:
            self._move_to(BreakerState.HALF_OPEN)
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def acquire(self) -> Permit:
        """Permission for one call; raises CircuitOpenError while open or while a probe runs."""
        state = self.state
        if state is BreakerState.OPEN:
            raise CircuitOpenError(self.name, self._cool_down_left())
        if state is BreakerState.HALF_OPEN:
            if self._probe_in_flight:
                raise CircuitOpenError(self.name, 0.0)
            self._probe_in_flight = True
            return Permit(self, probe=True)
        return Permit(self, probe=False)

    async def call(self, fn: Callable[..., Awaitable[T]], *args: object, **kwargs: object) -> T:
        async with self.acquire():
            return await fn(*args, **kwargs)

    def _record(self, permit: Permit, succeeded: bool | None) -> None:
        if permit.probe:
            self._probe_in_flight = False
            if succeeded is True:
                self._failures = 0
                self._move_to(BreakerState.CLOSED)
            elif succeeded is False:
                self._trip()
            return
        if self._state is not BreakerState.CLOSED or succeeded is None:
            return  # a late answer from before the circuit opened changes nothing
        if succeeded:
            self._failures = 0
        else:
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._trip()

    def _trip(self) -> None:
        self._opened_at = self._clock()
        self._move_to(BreakerState.OPEN)

    def _cool_down_left(self) -> float:
        return max(0.0, self._opened_at + self.reset_timeout - self._clock())

    def _move_to(self, state: BreakerState) -> None:
        if state is self._state:
            return
        log.warning("circuit %s: %s -> %s", self.name, self._state.name, state.name)
        self._state = state
        self._notify()

    def _notify(self) -> None:
        if self._listener is None:
            return
        try:
            self._listener(self.name, self._state)
        except Exception:  # a broken metrics hook must never break the calls it observes
            log.exception("circuit %s: state listener failed", self.name)


class Permit:
    """One admitted call. The first outcome reported wins; later ones are ignored."""

    def __init__(self, breaker: CircuitBreaker, *, probe: bool) -> None:
        self.probe = probe
        self._breaker = breaker
        self._done = False

    def success(self) -> None:
        self._finish(True)

    def failure(self) -> None:
        self._finish(False)

    def release(self) -> None:
        """The call ended without telling anything about the dependency (cancelled, bad input)."""
        self._finish(None)

    def _finish(self, succeeded: bool | None) -> None:
        if not self._done:
            self._done = True
            self._breaker._record(self, succeeded)

    async def __aenter__(self) -> Permit:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            self.success()
        elif isinstance(exc, (asyncio.CancelledError, *self._breaker.ignored)):
            self.release()
        elif isinstance(exc, Exception):
            self.failure()
        else:
            self.release()
