"""Counts the pipeline's events as they pass: an observer needs no consumer of its own, since
JetStream also delivers published messages to plain subscribers of the subject.
"""

from __future__ import annotations

from collections import Counter

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from prometheus_client import Counter as PromCounter

from shared.events import Names

pipeline_events = PromCounter(
    "sum_pipeline_events", "Document events seen on the bus, by status", ["status"]
)

# documents.<event>.v1.<priority> → the status the event announces
_STATUS = {
    "received": "received",
    "ingested": "ingested",
    "processed": "processed",
    "failed": "failed",
}


class PipelineCounts:
    def __init__(self) -> None:
        self.by_status: Counter[str] = Counter()

    def observe(self, subject: str, namespace: str) -> None:
        parts = subject.split(".")
        # <namespace>.documents.<event>.v<N>.<priority>
        if len(parts) >= 4 and parts[0] == namespace and parts[1] == "documents":
            status = _STATUS.get(parts[2])
            if status:
                self.by_status[status] += 1
                pipeline_events.labels(status).inc()


async def watch_pipeline(nc: NatsClient, names: Names, counts: PipelineCounts) -> Subscription:
    async def on_message(msg: Msg) -> None:
        counts.observe(msg.subject, names.namespace)

    return await nc.subscribe(names.documents_wildcard(), cb=on_message)
