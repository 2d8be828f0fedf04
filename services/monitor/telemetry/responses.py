"""OTLP/HTTP responses, serialized in the same encoding as the request."""

from google.protobuf import json_format
from google.protobuf.message import Message
from google.rpc.status_pb2 import Status
from litestar import Response
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from .decoding import Encoding

# google.rpc.Code values that fit the HTTP statuses this receiver answers with.
_RPC_CODES = {400: 3, 413: 8, 415: 3, 429: 8, 503: 14}


def _serialize(message: Message, encoding: Encoding) -> bytes:
    if encoding is Encoding.JSON:
        return json_format.MessageToJson(message, indent=None).encode()
    return message.SerializeToString()


def otlp_response(
    message: Message,
    encoding: Encoding,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    return Response(
        content=_serialize(message, encoding),
        status_code=status_code,
        media_type=encoding.value,
        headers=headers,
    )


def error_response(
    status_code: int, message: str, encoding: Encoding, retry_after: int | None = None
) -> Response[bytes]:
    status = Status(code=_RPC_CODES.get(status_code, 2), message=message)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return otlp_response(status, encoding, status_code, headers)


def traces_success(rejected: int, error_message: str, encoding: Encoding) -> Response[bytes]:
    response = ExportTraceServiceResponse()
    if rejected:
        response.partial_success.rejected_spans = rejected
        response.partial_success.error_message = error_message
    return otlp_response(response, encoding)


def metrics_success(rejected: int, error_message: str, encoding: Encoding) -> Response[bytes]:
    response = ExportMetricsServiceResponse()
    if rejected:
        response.partial_success.rejected_data_points = rejected
        response.partial_success.error_message = error_message
    return otlp_response(response, encoding)
