"""A connection pool behind a circuit breaker.

After a run of connection failures the breaker opens and every call fails at once with
``CircuitOpenError`` (a RetryableError) instead of waiting out its own timeout: requests are
answered with 503 + Retry-After while PostgreSQL is away, and one probe call at a time finds out
when it is back. Query errors (a constraint, bad input) say nothing about the database's health
and do not count.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg

from shared.resilience import CircuitBreaker
from shared.resilience.metrics import export_breaker_state

T = TypeVar("T")

CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
)


class GuardedPool:
    def __init__(self, pool: asyncpg.Pool, breaker: CircuitBreaker | None = None) -> None:
        self.pool = pool
        self.breaker = breaker or CircuitBreaker(
            "postgres", failure_threshold=5, reset_timeout=1.0, on_state_change=export_breaker_state
        )

    @asynccontextmanager
    async def _permit(self) -> AsyncIterator[None]:
        """One call through the breaker: only connection errors count against PostgreSQL."""
        permit = self.breaker.acquire()
        try:
            yield
        except CONNECTION_ERRORS:
            permit.failure()
            raise
        except BaseException:
            permit.release()
            raise
        permit.success()

    async def _guard(self, call: Callable[[], Awaitable[T]]) -> T:
        async with self._permit():
            return await call()

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> list[asyncpg.Record]:
        return await self._guard(lambda: self.pool.fetch(query, *args, **kwargs))

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> asyncpg.Record | None:
        return await self._guard(lambda: self.pool.fetchrow(query, *args, **kwargs))

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._guard(lambda: self.pool.fetchval(query, *args, **kwargs))

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        return await self._guard(lambda: self.pool.execute(query, *args, **kwargs))

    async def executemany(self, query: str, args: Any, **kwargs: Any) -> None:
        await self._guard(lambda: self.pool.executemany(query, args, **kwargs))

    @asynccontextmanager
    async def acquire(self, **kwargs: Any) -> AsyncIterator[asyncpg.Connection]:
        async with self._permit(), self.pool.acquire(**kwargs) as connection:
            yield connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)  # sizes and the rest: straight to the pool
