from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from services.monitor.telemetry import TelemetryHub, TelemetrySettings, create_otlp_app


@pytest.fixture
async def hub() -> AsyncIterator[TelemetryHub]:
    telemetry = TelemetryHub(TelemetrySettings(otlp_max_body_bytes=256 * 1024))
    await telemetry.start()
    yield telemetry
    await telemetry.stop()


@pytest.fixture
async def otlp_client(hub: TelemetryHub) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_otlp_app(hub)) as client:
        yield client
