from collections.abc import AsyncIterator

import pytest

from tests.platform import Platform


@pytest.fixture
async def platform(service_env: dict[str, str], tmp_path) -> AsyncIterator[Platform]:
    running = Platform(env=service_env, log_dir=tmp_path)
    try:
        await running.start_all()
        yield running
    finally:
        running.stop_all()
