"""``sum-monitor``: pipeline view, telemetry receiver, trace store, alerts and dashboard."""

from __future__ import annotations

import asyncio
import contextlib
import os

from services.monitor.app import create_app, create_receiver_app
from services.monitor.settings import MonitorSettings
from shared import lifecycle
from shared.bootstrap import end_process, start_process
from shared.config import load_settings
from shared.web.serve import make_server, wait_started


def main() -> None:
    settings = load_settings(MonitorSettings)
    # By default the others send their spans here; the monitor's own go only where an operator
    # points them (e.g. Jaeger in compose), never to itself by default.
    explicit = any(
        os.environ.get(name)
        for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )
    start_process("monitor", settings.log_level, tracing=explicit)

    async def run(stopping: asyncio.Event) -> None:
        app = create_app(settings)
        server = make_server(app, settings.host, settings.monitor_port)
        serving = asyncio.create_task(server.serve())
        # The receiver shares the main app's state, which the main app's lifespan starts.
        await wait_started(server)
        receiver = make_server(create_receiver_app(app), settings.host, settings.monitor_otlp_port)
        receiving = asyncio.create_task(receiver.serve())
        stop = asyncio.create_task(stopping.wait())
        await asyncio.wait({serving, receiving, stop}, return_when=asyncio.FIRST_COMPLETED)
        receiver.should_exit = True
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.gather(serving, receiving), settings.shutdown_timeout)
        if not server.started or not receiver.started:
            raise SystemExit("startup failed")

    try:
        lifecycle.run(run)
    finally:
        end_process()


if __name__ == "__main__":
    main()
