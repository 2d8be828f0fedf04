"""The pipeline as the monitor sees it: events observed on the bus, and JetStream's own counts.

An observer needs no consumer of its own: JetStream also delivers published messages to plain
subscribers of the subject. Latency is measured from a document's ``received`` event to its
``processed`` event, both seen here.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict, deque

import msgspec
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from prometheus_client import Gauge, Histogram

from shared.events import DocumentRef, Names

pipeline_documents = Gauge(
    "sum_pipeline_documents",
    "Documents that reached each status since the monitor started (events seen on the bus)",
    ["status"],
)
pipeline_latency = Histogram(
    "sum_pipeline_latency_seconds",
    "Time from a document's received event to its processed event",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900),
)

STATUSES = ("received", "ingested", "processed", "failed")
_TRACKED = 100_000  # documents in flight whose arrival time we remember
_WINDOW = 60  # minutes of throughput history


class PipelineCounts:
    def __init__(self) -> None:
        self.by_status: Counter[str] = Counter()
        self._arrivals: OrderedDict[str, float] = OrderedDict()
        self._latencies: deque[float] = deque(maxlen=2048)
        self._per_minute: deque[tuple[int, int]] = deque(maxlen=_WINDOW)

    def totals(self) -> dict[str, int]:
        """Documents seen reaching each status, every status present."""
        return {status: self.by_status[status] for status in STATUSES}

    def observe(self, subject: str, namespace: str, document_id: str | None, now: float) -> None:
        parts = subject.split(".")
        # <namespace>.documents.<event>.v<N>.<priority>
        if len(parts) < 4 or parts[0] != namespace or parts[1] != "documents":
            return
        status = parts[2]
        if status not in STATUSES:
            return
        self.by_status[status] += 1
        pipeline_documents.labels(status).set(self.by_status[status])
        if document_id is None:
            return
        if status == "received":
            self._arrivals[document_id] = now
            if len(self._arrivals) > _TRACKED:
                self._arrivals.popitem(last=False)
        elif status in ("processed", "failed"):
            arrived = self._arrivals.pop(document_id, None)
            if status == "processed":
                self._count_minute(now)
                if arrived is not None:
                    self._latencies.append(now - arrived)
                    pipeline_latency.observe(now - arrived)

    def _count_minute(self, now: float) -> None:
        minute = int(now // 60)
        if self._per_minute and self._per_minute[-1][0] == minute:
            self._per_minute[-1] = (minute, self._per_minute[-1][1] + 1)
        else:
            self._per_minute.append((minute, 1))

    def throughput_per_minute(self, now: float) -> list[int]:
        """Processed documents per minute, oldest first, the last entry being this minute."""
        current = int(now // 60)
        counts = dict(self._per_minute)
        return [counts.get(m, 0) for m in range(current - _WINDOW + 1, current + 1)]

    def latency_ms(self) -> dict[str, float | None]:
        ordered = sorted(self._latencies)
        if not ordered:
            return {"p50": None, "p95": None, "p99": None}

        def pct(q: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

        return {"p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99)}


def _document_id(data: bytes) -> str | None:
    try:
        return msgspec.json.decode(data, type=DocumentRef).document_id
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


async def watch_pipeline(nc: NatsClient, names: Names, counts: PipelineCounts) -> Subscription:
    async def on_message(msg: Msg) -> None:
        counts.observe(msg.subject, names.namespace, _document_id(msg.data), time.time())

    return await nc.subscribe(names.documents_wildcard(), cb=on_message)
