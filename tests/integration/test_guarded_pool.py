"""The PostgreSQL breaker with a real pool: it opens on connection failures, ignores query
errors, fails fast while open, and closes again after one successful probe."""

import asyncpg
import pytest

from shared.db.guarded import GuardedPool
from shared.db.pool import create_pool
from shared.resilience import BreakerState, CircuitBreaker, CircuitOpenError

pytestmark = pytest.mark.integration


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_breaker_opens_on_outage_and_probes_back(database_url: str) -> None:
    clock = Clock()
    breaker = CircuitBreaker("postgres-test", failure_threshold=2, reset_timeout=5, clock=clock)
    pool = await create_pool(database_url, max_size=2)
    guarded = GuardedPool(pool, breaker)

    assert await guarded.fetchval("SELECT 1") == 1
    with pytest.raises(asyncpg.UndefinedTableError):  # a query error is not an outage
        await guarded.fetch("SELECT * FROM no_such_table")
    assert breaker.state is BreakerState.CLOSED

    await pool.close()  # the database is "gone" for this pool
    for _ in range(2):
        with pytest.raises(asyncpg.InterfaceError):
            await guarded.fetchval("SELECT 1")
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):  # fails at once, nothing is attempted
        await guarded.fetchval("SELECT 1")

    guarded.pool = await create_pool(database_url, max_size=2)  # it is back
    clock.now = 6.0
    async with guarded.acquire() as connection:  # the half-open probe
        assert await connection.fetchval("SELECT 2") == 2
    assert breaker.state is BreakerState.CLOSED
    await guarded.pool.close()
