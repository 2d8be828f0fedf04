"""OTLP payload builders shared by the monitor tests."""

import os
from typing import Any


def new_trace_id() -> str:
    return os.urandom(16).hex()


def new_span_id() -> str:
    return os.urandom(8).hex()


def json_span(
    trace_id: str,
    span_id: str,
    name: str,
    *,
    parent_span_id: str = "",
    start_ns: int = 1_700_000_000_000_000_000,
    duration_ns: int = 5_000_000,
    kind: int = 2,
    status_code: int = 0,
    attributes: dict[str, str] | None = None,
    links: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    span: dict[str, Any] = {
        "traceId": trace_id,
        "spanId": span_id,
        "name": name,
        "kind": kind,
        "startTimeUnixNano": str(start_ns),
        "endTimeUnixNano": str(start_ns + duration_ns),
        "attributes": [
            {"key": key, "value": {"stringValue": value}}
            for key, value in (attributes or {}).items()
        ],
        "status": {"code": status_code},
    }
    if parent_span_id:
        span["parentSpanId"] = parent_span_id
    if links:
        span["links"] = links
    return span


def json_traces(service_name: str, spans: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": service_name}}]
                },
                "scopeSpans": [{"scope": {"name": "tests"}, "spans": spans}],
            }
        ]
    }


def json_metrics(
    service_name: str, points: int, metric_name: str = "sum_test_gauge"
) -> dict[str, Any]:
    return {
        "resourceMetrics": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": service_name}}]
                },
                "scopeMetrics": [
                    {
                        "metrics": [
                            {
                                "name": metric_name,
                                "gauge": {
                                    "dataPoints": [
                                        {
                                            "asDouble": float(i),
                                            "timeUnixNano": "1700000000000000000",
                                        }
                                        for i in range(points)
                                    ]
                                },
                            }
                        ]
                    }
                ],
            }
        ]
    }
