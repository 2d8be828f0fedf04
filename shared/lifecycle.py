"""Process entry: uvloop, signal handling, graceful shutdown within a deadline."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is a dependency, but keep dev runs possible
    uvloop = None  # type: ignore[assignment]


def stop_on_signals(stopping: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)


def run(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run ``main(stopping)``; SIGTERM/SIGINT set ``stopping`` and main shuts down in order."""

    async def entry() -> None:
        stopping = asyncio.Event()
        stop_on_signals(stopping)
        await main(stopping)

    if uvloop is not None:
        uvloop.run(entry())
    else:
        asyncio.run(entry())
