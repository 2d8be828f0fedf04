"""``sum-gateway``: the HTTP API."""

from __future__ import annotations

import asyncio

from services.gateway.app import make_gateway_server
from services.gateway.settings import GatewaySettings
from shared.bootstrap import run_process
from shared.config import load_settings
from shared.lifecycle import serve_until_stopped


def main() -> None:
    settings = load_settings(GatewaySettings)

    async def run(stopping: asyncio.Event) -> None:
        await serve_until_stopped(
            stopping, [lambda: make_gateway_server(settings)], settings.shutdown_timeout
        )

    run_process("gateway", settings, run)


if __name__ == "__main__":
    main()
