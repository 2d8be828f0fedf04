"""What every service process does first: JSON logs, tracing, client instrumentation."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from importlib.metadata import PackageNotFoundError, version

from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor

from shared import lifecycle
from shared.config import CommonSettings
from shared.logging import setup_logging
from shared.telemetry.tracing import setup_tracing, shutdown_tracing


def package_version() -> str:
    try:
        return version("sum-platform")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0.0.0"


def start_process(service: str, log_level: str, *, tracing: bool = True) -> None:
    setup_logging(service, log_level)
    if tracing:
        instance = os.environ.get("SUM_INSTANCE_ID") or f"{socket.gethostname()}-{os.getpid()}"
        setup_tracing(service, package_version(), instance)
        # PostgreSQL and Redis calls appear as CLIENT spans of whatever span is current.
        AsyncPGInstrumentor().instrument()
        RedisInstrumentor().instrument()


def end_process() -> None:
    shutdown_tracing()


def run_process(
    service: str,
    settings: CommonSettings,
    main: Callable[[asyncio.Event], Awaitable[None]],
    *,
    tracing: bool = True,
) -> None:
    """A service's whole life: set the process up, run ``main(stopping)``, flush its spans."""
    start_process(service, settings.log_level, tracing=tracing)
    try:
        lifecycle.run(main, settings.shutdown_timeout)
    finally:
        end_process()
