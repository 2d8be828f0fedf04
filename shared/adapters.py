"""The real adapters a service talks to, opened and closed in one place.

Composition roots call ``open_adapters``; tests of handlers pass fakes instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

import asyncpg
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.object_store import ObjectStore
from redis.asyncio import Redis

from shared.config import CommonSettings
from shared.db.migrate import ensure_database, migrate
from shared.db.pool import create_pool
from shared.events.catalog import Names
from shared.health import Check, nats_check, postgres_check, redis_check
from shared.messaging.connection import connect_nats
from shared.messaging.publisher import EventPublisher
from shared.messaging.topology import ensure_topology, patiently

log = logging.getLogger(__name__)


@dataclass
class Adapters:
    names: Names
    nc: NatsClient
    js: JetStreamContext
    uploads: ObjectStore
    publisher: EventPublisher
    pool: asyncpg.Pool
    redis: Redis

    def checks(self) -> dict[str, Check]:
        return {
            "nats": nats_check(self.nc),
            "postgres": postgres_check(self.pool),
            "redis": redis_check(self.redis),
        }

    async def close(self) -> None:
        # Drain lets in-flight publishes and acks reach the server before the socket closes.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.nc.drain(), 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.pool.close(), 5)
        with contextlib.suppress(Exception):
            await self.redis.aclose()


async def open_adapters(settings: CommonSettings, service: str) -> Adapters:
    dsn = settings.dsn()
    if settings.auto_migrate:
        await ensure_database(dsn)
        await migrate(dsn)
    names = Names(settings.namespace)
    nc = await connect_nats(settings.nats_url, name=f"sum-{service}")
    js = nc.jetstream()
    # Streams and bucket only: a stage declares its consumers itself (shared.stage), with the
    # delivery budget and ack wait of its reliability settings.
    uploads = await patiently(lambda: ensure_topology(js, names, replicas=settings.nats_replicas))
    pool = await create_pool(dsn, max_size=settings.db_pool_size)
    redis = Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    log.info("adapters ready", extra={"namespace": settings.namespace})
    return Adapters(names, nc, js, uploads, EventPublisher(js), pool, redis)
