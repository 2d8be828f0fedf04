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


async def _end_open_transaction(conn: asyncpg.Connection) -> None:
    """Make a released connection ready for its next user, in one round trip at most.

    asyncpg's default reset runs ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``
    on every release: a round trip per query on the gateway's hot path. SUM's code keeps no
    session state on pooled connections (no SET, LISTEN or held cursors; the one session
    advisory lock, the retention sweep's, is released in its own ``finally``), so only a
    transaction left open by an interrupted caller needs undoing.
    """
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_end_open_transaction,
        command_timeout=30,
    )
    assert pool is not None
    return pool


def record_pool_metrics(pool: asyncpg.Pool, service: str) -> None:
    size = pool.get_size()
    metrics.db_pool_size.labels(service).set(size)
    metrics.db_pool_in_use.labels(service).set(size - pool.get_idle_size())
