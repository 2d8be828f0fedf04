"""Process entry: uvloop, signal handling, graceful shutdown within a deadline.

The first SIGTERM/SIGINT sets ``stopping`` and the service shuts down in order (stop fetching,
finish or hand back in-flight work, drain NATS, close pools). If that takes longer than
``SUM_SHUTDOWN_TIMEOUT`` seconds, or a second signal arrives, the process exits at once: every
message it still held is redelivered by the server, so a hard exit loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence

import uvicorn

from shared.web.serve import wait_started

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


def run(main: Callable[[asyncio.Event], Awaitable[None]], shutdown_timeout: float) -> None:
    """Run ``main(stopping)``; SIGTERM/SIGINT set ``stopping`` and main shuts down in order."""

    async def entry() -> None:
        stopping = asyncio.Event()
        stop_on_signals(stopping)
        watchdog = asyncio.create_task(_enforce_deadline(stopping, shutdown_timeout))
        try:
            await main(stopping)
        finally:
            watchdog.cancel()

    if uvloop is not None:
        uvloop.run(entry())
    else:
        asyncio.run(entry())


async def serve_until_stopped(
    stopping: asyncio.Event, make_servers: Sequence[Callable[[], uvicorn.Server]], timeout: float
) -> None:
    """Serve until ``stopping`` is set or a server ends, then stop every server within ``timeout``.

    Each server is made only once the one before it has started, so a later app may share state
    that an earlier app's lifespan sets up. Raises SystemExit if any of them never started.
    """
    servers: list[uvicorn.Server] = []
    serving: list[asyncio.Task[None]] = []
    for make in make_servers:
        if servers:
            await wait_started(servers[-1])
        servers.append(make())
        serving.append(asyncio.create_task(servers[-1].serve()))
    stop = asyncio.create_task(stopping.wait())
    await asyncio.wait({*serving, stop}, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    for server in reversed(servers):
        server.should_exit = True
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.gather(*serving), timeout)
    if not all(server.started for server in servers):
        raise SystemExit("startup failed")
