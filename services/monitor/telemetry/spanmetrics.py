"""RED metrics derived from received spans, shaped like the OTel Collector spanmetrics connector.

The metrics live on the ``CollectorRegistry`` handed in (the monitor uses one registry of its
own for everything it derives, so tests and the ``/metrics`` route see only monitor series).
Label cardinality is bounded: once ``max_series`` distinct label sets exist, further new
combinations are counted under ``span_name="__overflow__"`` for their service, like the
connector's ``otel.metric.overflow`` series.
"""

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram

from .model import SpanRecord

LABELS = ("service_name", "span_name", "span_kind", "status_code")
OVERFLOW_SPAN_NAME = "__overflow__"
MAX_LABEL_CHARS = 128
# The connector's default explicit buckets, in seconds.
DURATION_BUCKETS = (
    0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.4, 2.0, 5.0, 10.0, 15.0,
)  # fmt: skip


class SpanMetrics:
    def __init__(self, registry: CollectorRegistry, max_series: int = 2_000) -> None:
        self._max_series = max_series
        self._series: set[tuple[str, str, str, str]] = set()
        self.calls = Counter(
            "sum_spanmetrics_calls",
            "Spans received by the monitor, by service, span name, kind and status.",
            LABELS,
            registry=registry,
        )
        self.duration = Histogram(
            "sum_spanmetrics_duration_seconds",
            "Duration of spans received by the monitor.",
            LABELS,
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.overflow = Counter(
            "sum_spanmetrics_overflow",
            "Spans counted under the overflow series because the label budget was used up.",
            registry=registry,
        )

    @property
    def series_count(self) -> int:
        return len(self._series)

    def _labels(self, span: SpanRecord) -> tuple[str, str, str, str]:
        labels = (
            span.service_name[:MAX_LABEL_CHARS],
            span.name[:MAX_LABEL_CHARS],
            span.kind,
            span.status_code,
        )
        if labels in self._series:
            return labels
        if len(self._series) < self._max_series:
            self._series.add(labels)
            return labels
        self.overflow.inc()
        overflow = (labels[0], OVERFLOW_SPAN_NAME, labels[2], labels[3])
        # Overflow series still need room; beyond the budget they share one service label too.
        if overflow not in self._series and len(self._series) >= self._max_series + 64:
            overflow = (OVERFLOW_SPAN_NAME, OVERFLOW_SPAN_NAME, labels[2], labels[3])
        self._series.add(overflow)
        return overflow

    def record(self, spans: Iterable[SpanRecord]) -> None:
        # Group first: looking up a labelled child is the expensive part of prometheus_client.
        durations: dict[tuple[str, str, str, str], list[float]] = {}
        for span in spans:
            durations.setdefault(self._labels(span), []).append(span.duration_seconds)
        for labels, values in durations.items():
            self.calls.labels(*labels).inc(len(values))
            histogram = self.duration.labels(*labels)
            for value in values:
                histogram.observe(value)
