"""Trace store bounds, span trees, links and document lookup."""

from monitor_helpers import new_span_id, new_trace_id

from services.monitor.telemetry import SpanRecord, TraceStore
from services.monitor.telemetry.model import SpanLink
from services.monitor.telemetry.trace_views import MAX_TREE_DEPTH, SpanNode


def span(
    trace_id: str,
    name: str,
    *,
    span_id: str | None = None,
    parent: str | None = None,
    start: int = 0,
    duration: int = 1_000_000,
    document_id: str | None = None,
    links: list[SpanLink] | None = None,
    service: str = "gateway",
) -> SpanRecord:
    return SpanRecord(
        trace_id=trace_id,
        span_id=span_id or new_span_id(),
        parent_span_id=parent,
        name=name,
        kind="SPAN_KIND_INTERNAL",
        service_name=service,
        start_unix_nano=start,
        end_unix_nano=start + duration,
        status_code="STATUS_CODE_UNSET",
        attributes={"sum.document.id": document_id} if document_id else {},
        links=links or [],
    )


def test_tree_has_parents_children_and_links() -> None:
    store = TraceStore()
    trace_id, other_trace = new_trace_id(), new_trace_id()
    root = span(trace_id, "upload", start=0, duration=10_000_000)
    late = span(trace_id, "store", parent=root.span_id, start=5_000_000, service="ingest")
    early = span(trace_id, "hash", parent=root.span_id, start=1_000_000)
    link = SpanLink(other_trace, new_span_id(), {"reason": "batch"})
    grandchild = span(trace_id, "insert", parent=late.span_id, start=6_000_000, links=[link])
    store.add([grandchild, late, root, early])  # arrival order must not matter

    view = store.get(trace_id.upper())
    assert view is not None
    [tree_root] = view.roots
    assert tree_root.name == "upload"
    assert [child.name for child in tree_root.children] == ["hash", "store"]
    insert = tree_root.children[1].children[0]
    assert insert.links == [link]
    assert insert.offset_ms == 6.0
    assert view.summary.duration_ms == 10.0
    assert view.summary.services == ["gateway", "ingest"]
    assert view.summary.span_count == 4


def test_orphans_and_parent_cycles_still_appear() -> None:
    store = TraceStore()
    trace_id = new_trace_id()
    a_id, b_id = new_span_id(), new_span_id()
    a = span(trace_id, "a", span_id=a_id, parent=b_id)
    b = span(trace_id, "b", span_id=b_id, parent=a_id, start=1)
    orphan = span(trace_id, "orphan", parent=new_span_id(), start=2)
    store.add([a, b, orphan])
    view = store.get(trace_id)
    assert view is not None

    def names(nodes: list[SpanNode]) -> set[str]:
        return {n.name for n in nodes} | {x for n in nodes for x in names(n.children)}

    assert names(view.roots) == {"a", "b", "orphan"}


def test_deep_chains_are_flattened_below_the_depth_limit() -> None:
    store = TraceStore()
    trace_id = new_trace_id()
    spans, parent = [], None
    for index in range(MAX_TREE_DEPTH + 50):
        current = span(trace_id, f"s{index}", parent=parent, start=index)
        spans.append(current)
        parent = current.span_id
    store.add(spans)
    view = store.get(trace_id)
    assert view is not None
    depth, node, count = 0, view.roots[0], 1
    while node.children:
        count += len(node.children)
        node = node.children[-1]
        depth += 1
    assert depth == MAX_TREE_DEPTH
    assert count == MAX_TREE_DEPTH + 50


def test_bounded_by_trace_count_and_span_count() -> None:
    store = TraceStore(max_traces=3, max_spans=5, max_spans_per_trace=4)
    traces = [new_trace_id() for _ in range(4)]
    for index, trace_id in enumerate(traces):
        store.add([span(trace_id, f"t{index}", document_id=f"doc-{index}")])
    assert store.trace_count == 3
    assert store.get(traces[0]) is None
    assert store.trace_ids_for_document("doc-0") == []
    assert store.trace_ids_for_document("doc-3") == [traces[3]]

    # Five spans in one trace: the fifth is over the per-trace cap and dropped.
    busy = new_trace_id()
    store.add([span(busy, f"s{i}") for i in range(5)])
    assert store.dropped_spans == 1
    assert store.span_count <= 5
    assert store.get(busy) is not None
    assert store.recent(limit=10)[0].trace_id == busy


def test_resent_span_replaces_the_earlier_copy() -> None:
    store = TraceStore()
    trace_id, span_id = new_trace_id(), new_span_id()
    store.add([span(trace_id, "first", span_id=span_id)])
    store.add([span(trace_id, "second", span_id=span_id)])
    view = store.get(trace_id)
    assert store.span_count == 1
    assert view is not None and view.roots[0].name == "second"


def test_find_by_document_returns_summaries() -> None:
    store = TraceStore()
    upload, processing = new_trace_id(), new_trace_id()
    store.add([span(upload, "POST /documents", document_id="doc-9")])
    store.add([span(processing, "process", document_id="doc-9", service="processor")])
    summaries = store.find_by_document("doc-9")
    assert {s.trace_id for s in summaries} == {upload, processing}
    assert all(s.document_ids == ["doc-9"] for s in summaries)
    assert store.find_by_document("unknown") == []
