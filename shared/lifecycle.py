"""Process entry: uvloop, signal handling, graceful shutdown within a deadline.

The first SIGTERM/SIGINT sets ``stopping`` and the service shuts down in order (stop fetching,
finish or hand back in-flight work, drain NATS, close pools). If that takes longer than
``SUM_SHUTDOWN_TIMEOUT`` seconds, or a second signal arrives, the process exits at once: every
message it still held is redelivered by the server, so a hard exit loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable

from shared.config import CommonSettings, load_settings

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is a dependency, but keep dev runs possible
    uvloop = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# Exit status of a shutdown that overran its deadline (like a shell's 128 + SIGTERM).
OVERRAN = 143


def stop_on_signals(stopping: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        if stopping.is_set():
            log.warning("second %s during shutdown: exiting now", sig.name)
            _exit_now(OVERRAN)
        log.info("%s received: shutting down", sig.name)
        stopping.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)


async def _enforce_deadline(stopping: asyncio.Event, timeout: float) -> None:
    await stopping.wait()
    await asyncio.sleep(timeout)
    log.error("shutdown took longer than %.1fs: exiting now", timeout)
    _exit_now(OVERRAN)


def _exit_now(status: int) -> None:
    logging.shutdown()
    os._exit(status)


def run(
    main: Callable[[asyncio.Event], Awaitable[None]], shutdown_timeout: float | None = None
) -> None:
    """Run ``main(stopping)``; SIGTERM/SIGINT set ``stopping`` and main shuts down in order."""
    timeout = (
        shutdown_timeout
        if shutdown_timeout is not None
        else load_settings(CommonSettings).shutdown_timeout
    )

    async def entry() -> None:
        stopping = asyncio.Event()
        stop_on_signals(stopping)
        watchdog = asyncio.create_task(_enforce_deadline(stopping, timeout))
        try:
            await main(stopping)
        finally:
            watchdog.cancel()

    if uvloop is not None:
        uvloop.run(entry())
    else:
        asyncio.run(entry())
