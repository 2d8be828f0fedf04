"""The asyncpg pool, with JSON codecs and pool-size metrics."""

from __future__ import annotations

import json

import asyncpg

from shared.telemetry import metrics


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, command_timeout=30
    )
    assert pool is not None
    return pool


def record_pool_metrics(pool: asyncpg.Pool, service: str) -> None:
    size = pool.get_size()
    metrics.db_pool_size.labels(service).set(size)
    metrics.db_pool_in_use.labels(service).set(size - pool.get_idle_size())
