"""Consumer backlog read from JetStream itself, exported as metrics and fed to the alerts."""

from __future__ import annotations

import contextlib

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from services.monitor.alerts import ConsumerBacklog
from shared.events import Names
from shared.telemetry import metrics


async def read_backlog(js: JetStreamContext, names: Names) -> tuple[list[ConsumerBacklog], int]:
    """Per-consumer pending / ack-pending / redelivered, and the dead-letter depth."""
    consumers: list[ConsumerBacklog] = []
    stream = names.documents_stream
    with contextlib.suppress(NotFoundError):
        for info in await js.consumers_info(stream):
            row = ConsumerBacklog(
                stream=stream,
                consumer=info.name or "",
                pending=info.num_pending or 0,
                ack_pending=info.num_ack_pending or 0,
                redelivered=info.num_redelivered or 0,
            )
            consumers.append(row)
            metrics.consumer_pending.labels(stream, row.consumer).set(row.pending)
            metrics.consumer_ack_pending.labels(stream, row.consumer).set(row.ack_pending)
            metrics.consumer_redelivered.labels(stream, row.consumer).set(row.redelivered)
    dead_letters = 0
    with contextlib.suppress(NotFoundError):
        dead_letters = (await js.stream_info(names.dlq_stream)).state.messages
    metrics.dead_letter_depth.set(dead_letters)
    return sorted(consumers, key=lambda c: c.consumer), dead_letters
