"""The monitor's own view of a span, independent of protobuf and JSON wire formats."""

from typing import Any

import msgspec

from shared.telemetry.propagation import DOCUMENT_ID

SPAN_KIND_NAMES = (
    "SPAN_KIND_UNSPECIFIED",
    "SPAN_KIND_INTERNAL",
    "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",
    "SPAN_KIND_PRODUCER",
    "SPAN_KIND_CONSUMER",
)
STATUS_CODE_NAMES = ("STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR")
UNKNOWN_SERVICE = "unknown_service"


def span_kind_name(kind: int) -> str:
    return SPAN_KIND_NAMES[kind] if 0 <= kind < len(SPAN_KIND_NAMES) else SPAN_KIND_NAMES[0]


def status_code_name(code: int) -> str:
    return STATUS_CODE_NAMES[code] if 0 <= code < len(STATUS_CODE_NAMES) else STATUS_CODE_NAMES[0]


class SpanLink(msgspec.Struct, frozen=True):
    trace_id: str
    span_id: str
    attributes: dict[str, Any] = {}


class SpanRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One received span; ids are lower-case hex, times are Unix nanoseconds."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    service_name: str
    start_unix_nano: int
    end_unix_nano: int
    status_code: str
    status_message: str = ""
    attributes: dict[str, Any] = {}
    links: list[SpanLink] = []
    event_count: int = 0

    @property
    def duration_seconds(self) -> float:
        return max(0, self.end_unix_nano - self.start_unix_nano) / 1e9

    @property
    def document_id(self) -> str | None:
        value = self.attributes.get(DOCUMENT_ID)
        return str(value) if value is not None else None
