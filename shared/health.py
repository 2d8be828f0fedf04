"""Readiness checks of the dependencies every service has in common."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
from nats.aio.client import Client as NatsClient
from opentelemetry.instrumentation.utils import suppress_instrumentation
from redis.asyncio import Redis

Check = Callable[[], Awaitable[None]]


def nats_check(nc: NatsClient) -> Check:
    async def check() -> None:
        if not nc.is_connected:
            raise ConnectionError("not connected")
        await nc.jetstream().account_info()

    return check


def postgres_check(pool: asyncpg.Pool) -> Check:
    async def check() -> None:
        async with pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")

    return check


def redis_check(redis: Redis) -> Check:
    async def check() -> None:
        await redis.ping()

    return check


async def run_checks(checks: dict[str, Check], timeout: float = 2.0) -> dict[str, str]:
    """Every check's result as ``"ok"`` or a short reason; never raises."""

    async def one(check: Check) -> str:
        try:
            # Probes run every few seconds: their database calls are not worth a trace each.
            with suppress_instrumentation():
                await asyncio.wait_for(check(), timeout)
            return "ok"
        except TimeoutError:
            return "timeout"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"[:200]

    names = list(checks)
    results = await asyncio.gather(*(one(checks[n]) for n in names))
    return dict(zip(names, results, strict=True))
