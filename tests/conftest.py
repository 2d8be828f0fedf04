"""Test harness: every run gets its own NATS namespace and its own PostgreSQL database, so runs
never collide and nothing is left behind.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import nats
import pytest

from shared.db.migrate import ensure_database, migrate

RUN_ID = uuid.uuid4().hex[:8]
NATS_URL = os.environ.get("SUM_TEST_NATS_URL", "nats://127.0.0.1:4222")
PG_BASE = os.environ.get("SUM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("SUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def unique(prefix: str = "t") -> str:
    return f"{prefix}{RUN_ID}{uuid.uuid4().hex[:6]}"


async def wait_for(
    probe: Callable[[], Any], *, timeout: float = 20.0, interval: float = 0.05
) -> Any:
    """Poll ``probe`` (a plain or an async function) until it returns something truthy, or fail
    after ``timeout`` seconds; returns what it returned. Tests never sleep to wait."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = probe()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


async def drop_namespace(namespace: str) -> None:
    nc = await nats.connect(NATS_URL)
    try:
        js = nc.jetstream()
        for info in await js.streams_info():
            name = info.config.name or ""
            if name.startswith(namespace.upper() + "_") or name == f"OBJ_{namespace}_uploads":
                await js.delete_stream(name)
    finally:
        await nc.close()


async def drop_database(dsn: str) -> None:
    name = dsn.rsplit("/", 1)[1]
    conn = await asyncpg.connect(f"{PG_BASE}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A fresh, migrated database for this test run."""
    dsn = f"{PG_BASE}/sum_test_{RUN_ID}"
    await ensure_database(dsn)
    await migrate(dsn)
    yield dsn
    await drop_database(dsn)


@pytest.fixture
async def namespace() -> AsyncIterator[str]:
    """A NATS namespace of this test alone: its own streams, consumers and bucket."""
    ns = unique()
    yield ns
    await drop_namespace(ns)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    from shared.db.pool import create_pool

    p = await create_pool(database_url, max_size=4)
    yield p
    await p.close()


@pytest.fixture
def service_env(database_url: str, namespace: str) -> dict[str, str]:
    """Environment for settings and subprocesses pointing at this test's resources."""
    return {
        "SUM_NATS_URL": NATS_URL,
        "SUM_DATABASE_URL": database_url,
        "SUM_REDIS_URL": REDIS_URL,
        "SUM_NAMESPACE": namespace,
        "SUM_AUTO_MIGRATE": "1",
    }
