from collections.abc import AsyncIterator

import nats
import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.config import load_settings
from tests.conftest import NATS_URL


@pytest.fixture
async def gateway(service_env: dict[str, str]) -> AsyncIterator[AsyncTestClient]:
    """The gateway in-process with its real adapters; its bus door listens on this namespace."""
    settings = load_settings(GatewaySettings, service_env)
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


@pytest.fixture
async def nc() -> AsyncIterator[Client]:
    """A producer's own connection (the gateway runs on the test client's loop)."""
    client = await nats.connect(NATS_URL)
    yield client
    await client.close()
