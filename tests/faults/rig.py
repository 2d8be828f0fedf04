"""A fault scenario's rig: its own database and namespace, the services as processes, a test
connection to NATS and PostgreSQL, and settings tuned so that recovery is quick to observe."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from shared.db.migrate import ensure_database, migrate
from shared.db.pool import create_pool
from shared.events import Names
from shared.messaging.topology import ensure_topology, submissions_stream_config
from tests.conftest import NATS_URL, PG_BASE, REDIS_URL, unique
from tests.faults.pipeline import Figures
from tests.platform import Platform

STAGES = ("gateway", "ingest", "processor")

# Fast retries and short timers: scenarios observe in seconds what production does in minutes.
FAST = {
    # The scenarios push hundreds of uploads through one key in seconds.
    "SUM_RATE_LIMIT_UPLOADS": "100000/min",
    "SUM_RATE_LIMIT_READS": "100000/min",
    "SUM_RETRY_BASE": "0.2",
    "SUM_RETRY_CAP": "1.0",
    "SUM_MAX_DELIVER": "4",
    "SUM_ACK_WAIT": "5",
    "SUM_STALL_AFTER": "3",
    "SUM_RECONCILE_AFTER": "3",
    "SUM_RECONCILE_INTERVAL": "1",
    "SUM_SHUTDOWN_TIMEOUT": "10",
    "SUM_INGEST_CONCURRENCY": "8",
    "SUM_PROCESSOR_CONCURRENCY": "8",
    # No monitor runs in a fault rig: exporting spans to nowhere would only cost CPU.
    "OTEL_SDK_DISABLED": "true",
}


@dataclass
class Rig:
    platform: Platform
    pool: asyncpg.Pool
    nc: Client
    js: JetStreamContext
    names: Names
    figures: Figures
    database_url: str

    async def some_processed(self) -> bool:
        """The pipeline is flowing: at least one document went all the way through."""
        return bool(
            await self.pool.fetchval("SELECT count(*) FROM documents WHERE status = 'processed'")
        )


async def _drop_database(pg_base: str, dsn: str) -> None:
    with contextlib.suppress(Exception):
        conn = await asyncpg.connect(f"{pg_base}/postgres", timeout=5)
        try:
            name = dsn.rsplit("/", 1)[1]
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def _drop_streams(js: JetStreamContext, names: Names) -> None:
    streams = (names.documents_stream, names.dlq_stream, f"OBJ_{names.uploads_bucket}")
    for stream in (*streams, submissions_stream_config(names).name):
        with contextlib.suppress(Exception):
            await js.delete_stream(stream)


@contextlib.asynccontextmanager
async def rig(
    scenario: str,
    log_dir: Path,
    *,
    nats_url: str = NATS_URL,
    pg_base: str = PG_BASE,
    redis_url: str = REDIS_URL,
    services: tuple[str, ...] = STAGES,
    env: dict[str, str] | None = None,
    replicas: int = 1,
) -> AsyncIterator[Rig]:
    namespace = unique("f")
    dsn = f"{pg_base}/sum_{namespace}"
    await ensure_database(dsn)
    await migrate(dsn)
    service_env = {
        "SUM_NATS_URL": nats_url,
        "SUM_DATABASE_URL": dsn,
        "SUM_REDIS_URL": redis_url,
        "SUM_NAMESPACE": namespace,
        "SUM_AUTO_MIGRATE": "1",
        **FAST,
        "SUM_NATS_REPLICAS": str(replicas),
        **(env or {}),
    }
    platform = Platform(env=service_env, log_dir=log_dir)
    nc = await nats.connect(nats_url.split(","), max_reconnect_attempts=-1, reconnect_time_wait=0.5)
    js = nc.jetstream()
    names = Names(namespace)
    pool = await create_pool(dsn, max_size=4)
    if replicas > 1:
        # A deployment that began with single copies and then set SUM_NATS_REPLICAS: the
        # services bring the existing streams and the bucket up to the new count at start-up.
        await ensure_topology(js, names, stages=("ingest", "processor"), replicas=1)
    try:
        await platform.start_all(services)
        yield Rig(platform, pool, nc, js, names, Figures(scenario), dsn)
    finally:
        platform.stop_all()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pool.close(), 5)
        await _drop_streams(js, names)
        await nc.close()
        await _drop_database(pg_base, dsn)
