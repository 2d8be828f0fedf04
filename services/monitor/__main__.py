"""``sum-monitor``: pipeline view, telemetry receiver, trace store, alerts and dashboard."""

from __future__ import annotations

import asyncio
import os

from services.monitor.app import create_app, create_receiver_app
from services.monitor.settings import MonitorSettings
from shared.bootstrap import run_process
from shared.config import load_settings
from shared.lifecycle import serve_until_stopped
from shared.web.serve import make_server


def main() -> None:
    settings = load_settings(MonitorSettings)
    # By default the others send their spans here; the monitor's own go only where an operator
    # points them (e.g. Jaeger in compose), never to itself by default.
    explicit = any(
        os.environ.get(name)
        for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )

    async def run(stopping: asyncio.Event) -> None:
        app = create_app(settings)
        await serve_until_stopped(
            stopping,
            [
                lambda: make_server(app, settings.host, settings.monitor_port),
                # The receiver shares the main app's state, which the main app's lifespan starts.
                lambda: make_server(
                    create_receiver_app(app), settings.host, settings.monitor_otlp_port
                ),
            ],
            settings.shutdown_timeout,
        )

    run_process("monitor", settings, run, tracing=explicit)


if __name__ == "__main__":
    main()
