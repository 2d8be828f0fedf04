"""OTLP/HTTP receiver: ``POST /v1/traces`` and ``POST /v1/metrics`` (protobuf or JSON, gzip).

Status codes follow the OTLP/HTTP spec: 200 (possibly with partial success), 400 for bodies
that cannot be decoded, 413 above the size limit (on the wire or after decompression), 415 for
an unknown Content-Type or Content-Encoding, 503 with ``Retry-After`` while the ingestion queue
is full. Error bodies are ``google.rpc.Status`` in the request's encoding.
"""

import asyncio
import enum
from typing import Any, NamedTuple

from litestar import Litestar, Request, Response, post
from litestar.handlers import HTTPRouteHandler

from .body import BadEncodingError, BodyTooLargeError, gunzip_limited, read_limited
from .decoding import Encoding, MalformedPayloadError, decode_metrics, decode_traces
from .forwarding import ForwardBatch
from .hub import IngestBatch, TelemetryHub
from .model import SpanRecord
from .responses import error_response, metrics_success, traces_success


class Signal(enum.Enum):
    TRACES = "/v1/traces"
    METRICS = "/v1/metrics"


class _Rejected(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class _Decoded(NamedTuple):
    spans: list[SpanRecord]
    accepted: int
    rejected: int
    error_message: str


def _decode(signal: Signal, body: bytes, encoding: Encoding) -> _Decoded:
    if signal is Signal.TRACES:
        traces = decode_traces(body, encoding)
        return _Decoded(traces.spans, len(traces.spans), traces.rejected, traces.error_message)
    metrics = decode_metrics(body, encoding)
    return _Decoded([], metrics.data_points, metrics.rejected, metrics.error_message)


def _request_encoding(request: Request[Any, Any, Any]) -> Encoding | None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    for encoding in Encoding:
        if media_type == encoding.value:
            return encoding
    return None


async def _read_body(request: Request[Any, Any, Any], limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise _Rejected(400, "invalid Content-Length header")
        if int(declared) > limit:
            raise _Rejected(413, f"request body exceeds {limit} bytes")
    content_encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if content_encoding not in ("identity", "", "gzip"):
        raise _Rejected(415, f"unsupported Content-Encoding {content_encoding[:40]!r}")
    try:
        body = await read_limited(request.stream(), limit)
        return gunzip_limited(body, limit) if content_encoding == "gzip" else body
    except BodyTooLargeError as exc:
        raise _Rejected(413, str(exc)) from exc
    except BadEncodingError as exc:
        raise _Rejected(400, str(exc)) from exc


async def receive(
    hub: TelemetryHub, signal: Signal, request: Request[Any, Any, Any]
) -> Response[bytes]:
    label = signal.name.lower()
    encoding = _request_encoding(request)
    if encoding is None:
        hub.requests.labels(label, "unsupported_media_type").inc()
        message = "Content-Type must be application/x-protobuf or application/json"
        return error_response(415, message, Encoding.JSON)
    settings = hub.settings
    try:
        if not hub.has_room(0):
            raise _Rejected(503, "ingestion queue is full, retry later")
        body = await _read_body(request, settings.otlp_max_body_bytes)
        if len(body) > settings.offload_decode_bytes:
            decoded = await asyncio.to_thread(_decode, signal, body, encoding)
        else:
            decoded = _decode(signal, body, encoding)
    except _Rejected as exc:
        hub.requests.labels(label, str(exc.status_code)).inc()
        retry_after = settings.retry_after_seconds if exc.status_code == 503 else None
        return error_response(exc.status_code, exc.message, encoding, retry_after)
    except MalformedPayloadError as exc:
        hub.requests.labels(label, "400").inc()
        return error_response(400, str(exc)[:500], encoding)

    forward = ForwardBatch(signal.value, encoding.value, body) if hub.forwarder else None
    if not hub.try_enqueue(IngestBatch(spans=decoded.spans, forward=forward, size_bytes=len(body))):
        hub.requests.labels(label, "503").inc()
        message = "ingestion queue is full, retry later"
        return error_response(503, message, encoding, settings.retry_after_seconds)
    hub.requests.labels(label, "accepted").inc()
    hub.items.labels(label, "accepted").inc(decoded.accepted)
    hub.items.labels(label, "rejected").inc(decoded.rejected)
    success = traces_success if signal is Signal.TRACES else metrics_success
    return success(decoded.rejected, decoded.error_message, encoding)


def otlp_route_handlers(hub: TelemetryHub) -> list[HTTPRouteHandler]:
    # The size limit is enforced by the receiver itself so the 413 carries an OTLP Status body.
    @post(Signal.TRACES.value, request_max_body_size=None, include_in_schema=False)
    async def receive_traces(request: Request[Any, Any, Any]) -> Response[bytes]:
        return await receive(hub, Signal.TRACES, request)

    @post(Signal.METRICS.value, request_max_body_size=None, include_in_schema=False)
    async def receive_metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
        return await receive(hub, Signal.METRICS, request)

    return [receive_traces, receive_metrics]


def create_otlp_app(hub: TelemetryHub, *, manage_hub: bool = False) -> Litestar:
    """The app served on port 4318. With ``manage_hub`` it starts and stops the hub itself;
    leave it off when the main monitor app already owns the hub's lifecycle."""
    hooks: dict[str, Any] = {}
    if manage_hub:
        hooks = {"on_startup": [hub.start], "on_shutdown": [hub.stop]}
    return Litestar(
        route_handlers=otlp_route_handlers(hub),
        openapi_config=None,
        logging_config=None,  # the process's JSON logging stays in charge
        request_max_body_size=None,
        **hooks,
    )
