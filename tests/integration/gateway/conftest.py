"""A real gateway (uvicorn, in this process) against the real NATS, PostgreSQL and Redis.

``gateway_factory(**env)`` starts one with extra ``SUM_*`` settings; each gets its own NATS
namespace. ``keys.create(tenant)`` makes an API key in the test database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import httpx
import nats
import pytest

from services.gateway.app import make_gateway_server
from services.gateway.settings import GatewaySettings
from shared.config import load_settings
from shared.events import Names
from shared.web.serve import wait_started
from sumctl.keys import create_key
from tests.conftest import NATS_URL, REDIS_URL, drop_namespace, unique
from tests.platform import free_port


@dataclass
class Gateway:
    url: str
    namespace: str
    settings: GatewaySettings

    @property
    def names(self) -> Names:
        return Names(self.namespace)

    def client(
        self, key: str | None = None, headers: dict[str, str] | None = None, **kwargs
    ) -> httpx.AsyncClient:
        auth = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.AsyncClient(
            base_url=self.url, headers={**auth, **(headers or {})}, timeout=15, **kwargs
        )


GatewayFactory = Callable[..., Awaitable[Gateway]]


@pytest.fixture
async def gateway_factory(database_url: str) -> AsyncIterator[GatewayFactory]:
    running: list[tuple[asyncio.Task[None], object, str]] = []

    async def start(**env: str) -> Gateway:
        namespace = unique("gw")
        port = free_port()
        settings = load_settings(
            GatewaySettings,
            {
                "SUM_NATS_URL": NATS_URL,
                "SUM_DATABASE_URL": database_url,
                "SUM_REDIS_URL": REDIS_URL,
                "SUM_NAMESPACE": namespace,
                "SUM_GATEWAY_PORT": str(port),
                "SUM_API_KEY_CACHE_SECONDS": "0",
                "SUM_BACKLOG_POLL_SECONDS": "0.1",
                "SUM_EVENTS_POLL_SECONDS": "0.05",
                **{f"SUM_{name.upper()}": value for name, value in env.items()},
            },
        )
        server = make_gateway_server(settings)
        task = asyncio.create_task(server.serve())
        running.append((task, server, namespace))
        await wait_started(server, timeout=20)
        return Gateway(f"http://127.0.0.1:{port}", namespace, settings)

    yield start
    for task, server, namespace in running:
        server.should_exit = True  # type: ignore[attr-defined]
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 15)
        await drop_namespace(namespace)


@pytest.fixture
async def gateway(gateway_factory: GatewayFactory) -> Gateway:
    return await gateway_factory()


class Keys:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    async def create(self, tenant: str | None = None) -> str:
        conn = await asyncpg.connect(self.dsn)
        try:
            return (await create_key(conn, tenant or unique("tenant"))).secret
        finally:
            await conn.close()


@pytest.fixture
def keys(database_url: str) -> Keys:
    return Keys(database_url)


@pytest.fixture
async def key(keys: Keys) -> str:
    return await keys.create()


@pytest.fixture
async def nc() -> AsyncIterator[nats.NATS]:
    connection = await nats.connect(NATS_URL)
    yield connection
    await connection.close()
