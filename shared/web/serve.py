"""Running an ASGI app with uvicorn inside an already running event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn


class _Server(uvicorn.Server):
    """Signals belong to the service's own shutdown logic (shared.lifecycle), not to uvicorn."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def make_server(app: object, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_config=None,  # keep our JSON logging
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    return _Server(config)


async def wait_started(server: uvicorn.Server, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not server.started:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("HTTP server did not start")
        await asyncio.sleep(0.02)
