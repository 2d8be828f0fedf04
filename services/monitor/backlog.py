"""Consumer backlog read from JetStream itself, exported as metrics and for the pipeline view."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from shared.events import Names
from shared.telemetry import metrics

log = logging.getLogger(__name__)


async def read_backlog(js: JetStreamContext, names: Names) -> dict[str, object]:
    """Per-consumer pending / ack-pending / redelivered and the dead-letter depth."""
    consumers: list[dict[str, object]] = []
    stream = names.documents_stream
    with contextlib.suppress(NotFoundError):
        for info in await js.consumers_info(stream):
            name = info.name or ""
            pending = info.num_pending or 0
            ack_pending = info.num_ack_pending or 0
            redelivered = info.num_redelivered or 0
            consumers.append(
                {
                    "stream": stream,
                    "consumer": name,
                    "pending": pending,
                    "ack_pending": ack_pending,
                    "redelivered": redelivered,
                }
            )
            metrics.consumer_pending.labels(stream, name).set(pending)
            metrics.consumer_ack_pending.labels(stream, name).set(ack_pending)
            metrics.consumer_redelivered.labels(stream, name).set(redelivered)
    dead_letters = 0
    with contextlib.suppress(NotFoundError):
        dead_letters = (await js.stream_info(names.dlq_stream)).state.messages
    metrics.dead_letter_depth.set(dead_letters)
    return {
        "consumers": sorted(consumers, key=lambda c: str(c["consumer"])),
        "dead_letters": dead_letters,
    }


async def poll_backlog(
    js: JetStreamContext, names: Names, into: dict[str, object], interval: float = 5.0
) -> None:
    """Refresh ``into`` forever; a failed read keeps the last known values."""
    while True:
        try:
            into.update(await read_backlog(js, names))
        except Exception as exc:
            log.warning("could not read consumer backlog: %s", exc)
        await asyncio.sleep(interval)
