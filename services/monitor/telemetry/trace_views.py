"""JSON-ready views of stored traces: a summary row and the span tree for the waterfall."""

from typing import Any

import msgspec

from .model import SpanLink, SpanRecord

# Nesting deeper than this is flattened onto the deepest allowed ancestor: real traces are far
# shallower, and unbounded nesting would exhaust the recursion limit when encoding the tree.
MAX_TREE_DEPTH = 64


class TraceSummary(msgspec.Struct, frozen=True, kw_only=True):
    trace_id: str
    root_span_name: str
    root_service: str
    services: list[str]
    start_unix_nano: int
    duration_ms: float
    span_count: int
    error_count: int
    document_ids: list[str]


class SpanNode(msgspec.Struct, kw_only=True):
    span_id: str
    parent_span_id: str | None
    name: str
    service_name: str
    kind: str
    status_code: str
    status_message: str
    start_unix_nano: int
    offset_ms: float  # from the start of the trace, for drawing the waterfall
    duration_ms: float
    attributes: dict[str, Any]
    links: list[SpanLink]
    event_count: int
    children: list["SpanNode"] = []


class TraceView(msgspec.Struct, frozen=True, kw_only=True):
    summary: TraceSummary
    roots: list[SpanNode]


def _ms(nanoseconds: int) -> float:
    return round(nanoseconds / 1e6, 3)


def _roots(spans: list[SpanRecord]) -> list[SpanRecord]:
    ids = {span.span_id for span in spans}
    return [span for span in spans if span.parent_span_id not in ids]


def summarize(trace_id: str, spans: list[SpanRecord]) -> TraceSummary:
    roots = sorted(_roots(spans) or spans, key=lambda span: span.start_unix_nano)
    root = roots[0]
    start = min(span.start_unix_nano for span in spans)
    end = max(span.end_unix_nano for span in spans)
    return TraceSummary(
        trace_id=trace_id,
        root_span_name=root.name,
        root_service=root.service_name,
        services=sorted({span.service_name for span in spans}),
        start_unix_nano=start,
        duration_ms=_ms(end - start),
        span_count=len(spans),
        error_count=sum(span.status_code == "STATUS_CODE_ERROR" for span in spans),
        document_ids=sorted({doc for span in spans if (doc := span.document_id) is not None}),
    )


def _node(span: SpanRecord, trace_start: int) -> SpanNode:
    return SpanNode(
        span_id=span.span_id,
        parent_span_id=span.parent_span_id,
        name=span.name,
        service_name=span.service_name,
        kind=span.kind,
        status_code=span.status_code,
        status_message=span.status_message,
        start_unix_nano=span.start_unix_nano,
        offset_ms=_ms(span.start_unix_nano - trace_start),
        duration_ms=_ms(span.end_unix_nano - span.start_unix_nano),
        attributes=span.attributes,
        links=span.links,
        event_count=span.event_count,
        children=[],
    )


def build_trace_view(trace_id: str, spans: list[SpanRecord]) -> TraceView:
    ordered = sorted(spans, key=lambda span: (span.start_unix_nano, span.span_id))
    trace_start = ordered[0].start_unix_nano
    nodes = {span.span_id: _node(span, trace_start) for span in ordered}
    children: dict[str, list[str]] = {}
    for span in ordered:
        if span.parent_span_id in nodes:
            children.setdefault(span.parent_span_id, []).append(span.span_id)
    # Walk from the roots so a parent cycle (malformed input) cannot loop or hide spans.
    placed: set[str] = set()
    roots: list[SpanNode] = []
    for root in [span.span_id for span in _roots(ordered)] + [s.span_id for s in ordered]:
        if root in placed:
            continue
        placed.add(root)
        roots.append(nodes[root])
        # (span whose children are placed next, node that receives them, that node's depth)
        stack = [(root, nodes[root], 0)]
        while stack:
            span_id, parent_node, depth = stack.pop()
            for child_id in children.get(span_id, []):
                if child_id in placed:
                    continue
                placed.add(child_id)
                parent_node.children.append(nodes[child_id])
                if depth + 1 < MAX_TREE_DEPTH:
                    stack.append((child_id, nodes[child_id], depth + 1))
                else:
                    stack.append((child_id, parent_node, depth))
    for node in nodes.values():
        node.children.sort(key=lambda child: (child.start_unix_nano, child.span_id))
    return TraceView(summary=summarize(trace_id, spans), roots=roots)
