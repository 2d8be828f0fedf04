"""Convert protobuf OTLP spans into :class:`SpanRecord`, rejecting spans that cannot be used."""

from collections import Counter
from typing import Any

import msgspec
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from .model import UNKNOWN_SERVICE, SpanLink, SpanRecord, span_kind_name, status_code_name

# Spans are kept in memory for the dashboard; bound what one span may occupy.
MAX_ATTRIBUTES = 64
MAX_STRING_CHARS = 1024
MAX_LINKS = 32


class DecodedSpans(msgspec.Struct, frozen=True):
    spans: list[SpanRecord]
    rejected: int
    error_message: str = ""


def _any_value(value: AnyValue, depth: int = 0) -> Any:
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value[:MAX_STRING_CHARS]
    if kind in ("bool_value", "int_value", "double_value"):
        return getattr(value, kind)
    if kind == "bytes_value":
        return value.bytes_value[: MAX_STRING_CHARS // 2].hex()
    if depth >= 4:
        return None  # deeper nesting is not worth showing
    if kind == "array_value":
        return [_any_value(item, depth + 1) for item in value.array_value.values[:MAX_ATTRIBUTES]]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values, depth + 1)
    return None


def _attributes(pairs: Any, depth: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = {}
    pair: KeyValue
    for pair in pairs[:MAX_ATTRIBUTES]:
        result[pair.key[:MAX_STRING_CHARS]] = _any_value(pair.value, depth)
    return result


def _invalid_reason(span: Span) -> str | None:
    if len(span.trace_id) != 16 or not any(span.trace_id):
        return "invalid trace_id"
    if len(span.span_id) != 8 or not any(span.span_id):
        return "invalid span_id"
    if len(span.parent_span_id) not in (0, 8):
        return "invalid parent_span_id"
    if span.end_time_unix_nano < span.start_time_unix_nano:
        return "end time before start time"
    return None


def _record(span: Span, service_name: str) -> SpanRecord:
    links = [
        SpanLink(link.trace_id.hex(), link.span_id.hex(), _attributes(link.attributes))
        for link in span.links[:MAX_LINKS]
        if len(link.trace_id) == 16 and len(link.span_id) == 8
    ]
    return SpanRecord(
        trace_id=span.trace_id.hex(),
        span_id=span.span_id.hex(),
        parent_span_id=span.parent_span_id.hex() if any(span.parent_span_id) else None,
        name=span.name[:MAX_STRING_CHARS],
        kind=span_kind_name(span.kind),
        service_name=service_name,
        start_unix_nano=span.start_time_unix_nano,
        end_unix_nano=span.end_time_unix_nano,
        status_code=status_code_name(span.status.code),
        status_message=span.status.message[:MAX_STRING_CHARS],
        attributes=_attributes(span.attributes),
        links=links,
        event_count=len(span.events),
    )


def _service_name(resource_attributes: Any) -> str:
    for pair in resource_attributes:
        if pair.key == "service.name" and pair.value.string_value:
            return str(pair.value.string_value[:MAX_STRING_CHARS])
    return UNKNOWN_SERVICE


def spans_from_request(request: ExportTraceServiceRequest) -> DecodedSpans:
    records: list[SpanRecord] = []
    reasons: Counter[str] = Counter()
    for resource_spans in request.resource_spans:
        service_name = _service_name(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                reason = _invalid_reason(span)
                if reason is None:
                    records.append(_record(span, service_name))
                else:
                    reasons[reason] += 1
    rejected = sum(reasons.values())
    message = ""
    if rejected:
        details = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
        message = f"{rejected} spans rejected: {details}"
    return DecodedSpans(spans=records, rejected=rejected, error_message=message)
