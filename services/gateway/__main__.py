"""``sum-gateway``: the HTTP API."""

from __future__ import annotations

import asyncio
import contextlib

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared import lifecycle
from shared.bootstrap import end_process, start_process
from shared.config import load_settings
from shared.web.serve import make_server


def main() -> None:
    settings = load_settings(GatewaySettings)
    start_process("gateway", settings.log_level)

    async def run(stopping: asyncio.Event) -> None:
        server = make_server(create_app(settings), settings.host, settings.gateway_port)
        serving = asyncio.create_task(server.serve())
        stop = asyncio.create_task(stopping.wait())
        await asyncio.wait({serving, stop}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(serving, settings.shutdown_timeout)
        if not server.started:
            raise SystemExit("startup failed")

    try:
        lifecycle.run(run)
    finally:
        end_process()


if __name__ == "__main__":
    main()
