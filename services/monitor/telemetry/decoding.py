"""Decode OTLP/HTTP bodies (protobuf or OTLP/JSON) into the monitor's span model.

OTLP/JSON is the proto3 JSON mapping with two differences that matter here: trace and span ids
are hex strings rather than base64, and enums are integers. Ids are rewritten to base64 before
``json_format`` parses the document, so both encodings end up in the same protobuf classes and
share one conversion path.
"""

import base64
import enum
from collections.abc import Callable
from typing import Any

import msgspec
from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from .spans import DecodedSpans, spans_from_request


class Encoding(enum.Enum):
    PROTOBUF = "application/x-protobuf"
    JSON = "application/json"


class MalformedPayloadError(ValueError):
    """The body is not a valid OTLP request in the announced encoding."""


class DecodedMetrics(msgspec.Struct, frozen=True):
    data_points: int
    rejected: int
    error_message: str = ""


# A single byte is never a valid id, so an id with bad hex is rejected by span validation
# instead of failing the whole request.
_INVALID_ID_BASE64 = base64.b64encode(b"\x00").decode()
_ID_KEYS = ("traceId", "spanId", "parentSpanId")
_IdRewriter = Callable[[dict[str, Any]], None]


def _hex_to_base64(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return base64.b64encode(bytes.fromhex(value)).decode()
    except ValueError:
        return _INVALID_ID_BASE64


def _rewrite_ids(node: dict[str, Any]) -> None:
    for key in _ID_KEYS:
        if key in node:
            node[key] = _hex_to_base64(node[key])


def _items(node: Any, key: str) -> list[Any]:
    value = node.get(key) if isinstance(node, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _rewrite_trace_ids(document: dict[str, Any]) -> None:
    for resource_spans in _items(document, "resourceSpans"):
        for scope_spans in _items(resource_spans, "scopeSpans"):
            for span in _items(scope_spans, "spans"):
                _rewrite_ids(span)
                for link in _items(span, "links"):
                    _rewrite_ids(link)


def _rewrite_exemplar_ids(document: dict[str, Any]) -> None:
    for resource_metrics in _items(document, "resourceMetrics"):
        for scope_metrics in _items(resource_metrics, "scopeMetrics"):
            for metric in _items(scope_metrics, "metrics"):
                for kind in ("gauge", "sum", "histogram", "exponentialHistogram"):
                    data = metric.get(kind)
                    for point in _items(data, "dataPoints"):
                        for exemplar in _items(point, "exemplars"):
                            _rewrite_ids(exemplar)


def _parse_json(body: bytes, message: Message, rewrite_ids: _IdRewriter) -> None:
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedPayloadError(f"body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise MalformedPayloadError("body is nested too deeply") from exc
    if not isinstance(document, dict):
        raise MalformedPayloadError("OTLP/JSON body must be a JSON object")
    rewrite_ids(document)
    try:
        # Receivers must ignore unknown fields so newer senders keep working.
        json_format.ParseDict(document, message, ignore_unknown_fields=True)
    except (json_format.ParseError, ValueError, TypeError, AttributeError) as exc:
        raise MalformedPayloadError(f"body is not a valid OTLP/JSON request: {exc}") from exc
    except RecursionError as exc:
        raise MalformedPayloadError("body is nested too deeply") from exc


def _parse_protobuf(body: bytes, message: Message) -> None:
    try:
        message.ParseFromString(body)
    except (DecodeError, ValueError, RecursionError) as exc:
        raise MalformedPayloadError(f"body is not a valid OTLP protobuf request: {exc}") from exc


def _parse(body: bytes, encoding: Encoding, message: Message, rewrite_ids: _IdRewriter) -> None:
    if encoding is Encoding.JSON:
        _parse_json(body, message, rewrite_ids)
    else:
        _parse_protobuf(body, message)


def decode_traces(body: bytes, encoding: Encoding) -> DecodedSpans:
    request = ExportTraceServiceRequest()
    _parse(body, encoding, request, _rewrite_trace_ids)
    return spans_from_request(request)


def decode_metrics(body: bytes, encoding: Encoding) -> DecodedMetrics:
    request = ExportMetricsServiceRequest()
    _parse(body, encoding, request, _rewrite_exemplar_ids)
    accepted = rejected = 0
    for resource_metrics in request.resource_metrics:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                kind = metric.WhichOneof("data")
                points = len(getattr(metric, kind).data_points) if kind else 0
                # A metric without a name cannot be stored or forwarded meaningfully.
                if metric.name:
                    accepted += points
                else:
                    rejected += points
    message = f"{rejected} data points rejected: metric without a name" if rejected else ""
    return DecodedMetrics(data_points=accepted, rejected=rejected, error_message=message)
