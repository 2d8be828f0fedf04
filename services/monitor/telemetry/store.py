"""Recent traces in memory, bounded by trace count and total span count.

Traces are evicted least-recently-updated first, so a long-running trace that keeps receiving
spans stays while finished ones age out. Spans carrying ``sum.document.id`` index their trace
under that document so the dashboard can answer "what happened to this upload".
"""

from collections import OrderedDict

from .model import SpanRecord
from .trace_views import TraceSummary, TraceView, build_trace_view, summarize


class _Trace:
    __slots__ = ("document_ids", "spans")

    def __init__(self) -> None:
        self.spans: dict[str, SpanRecord] = {}
        self.document_ids: set[str] = set()


class TraceStore:
    def __init__(
        self, max_traces: int = 2_000, max_spans: int = 100_000, max_spans_per_trace: int = 2_000
    ) -> None:
        self._max_traces = max_traces
        self._max_spans = max_spans
        self._max_spans_per_trace = min(max_spans_per_trace, max_spans)
        self._traces: OrderedDict[str, _Trace] = OrderedDict()
        self._by_document: dict[str, OrderedDict[str, None]] = {}
        self._span_count = 0
        self.dropped_spans = 0
        self.evicted_traces = 0

    @property
    def trace_count(self) -> int:
        return len(self._traces)

    @property
    def span_count(self) -> int:
        return self._span_count

    def add(self, spans: list[SpanRecord]) -> None:
        for span in spans:
            self._add_one(span)
        self._evict()

    def _add_one(self, span: SpanRecord) -> None:
        trace = self._traces.get(span.trace_id)
        if trace is None:
            trace = self._traces[span.trace_id] = _Trace()
        else:
            self._traces.move_to_end(span.trace_id)
        if span.span_id not in trace.spans:
            if len(trace.spans) >= self._max_spans_per_trace:
                self.dropped_spans += 1
                return
            self._span_count += 1
        # A re-sent span (exporter retry) replaces the earlier copy instead of duplicating it.
        trace.spans[span.span_id] = span
        document_id = span.document_id
        if document_id is not None and document_id not in trace.document_ids:
            trace.document_ids.add(document_id)
            self._by_document.setdefault(document_id, OrderedDict())[span.trace_id] = None

    def _evict(self) -> None:
        while self._traces and (
            len(self._traces) > self._max_traces or self._span_count > self._max_spans
        ):
            trace_id, trace = self._traces.popitem(last=False)
            self._span_count -= len(trace.spans)
            self.evicted_traces += 1
            for document_id in trace.document_ids:
                traces = self._by_document.get(document_id)
                if traces is not None:
                    traces.pop(trace_id, None)
                    if not traces:
                        del self._by_document[document_id]

    def get(self, trace_id: str) -> TraceView | None:
        trace = self._traces.get(trace_id.lower())
        if trace is None:
            return None
        return build_trace_view(trace_id.lower(), list(trace.spans.values()))

    def trace_ids_for_document(self, document_id: str) -> list[str]:
        return list(self._by_document.get(document_id, ()))

    def find_by_document(self, document_id: str) -> list[TraceSummary]:
        return [
            summarize(trace_id, list(self._traces[trace_id].spans.values()))
            for trace_id in self.trace_ids_for_document(document_id)
        ]

    def recent(self, limit: int = 50) -> list[TraceSummary]:
        """Most recently updated traces first."""
        summaries: list[TraceSummary] = []
        for trace_id in reversed(self._traces):
            if len(summaries) >= limit:
                break
            summaries.append(summarize(trace_id, list(self._traces[trace_id].spans.values())))
        return summaries
