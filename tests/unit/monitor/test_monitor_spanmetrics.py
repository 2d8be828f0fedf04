"""Span metrics series, histogram buckets and the cardinality bound."""

from monitor_helpers import new_span_id, new_trace_id
from prometheus_client import CollectorRegistry, generate_latest

from services.monitor.telemetry import SpanRecord
from services.monitor.telemetry.spanmetrics import OVERFLOW_SPAN_NAME, SpanMetrics


def record(name: str, duration_ns: int, status: str = "STATUS_CODE_UNSET") -> SpanRecord:
    return SpanRecord(
        trace_id=new_trace_id(),
        span_id=new_span_id(),
        parent_span_id=None,
        name=name,
        kind="SPAN_KIND_SERVER",
        service_name="gateway",
        start_unix_nano=0,
        end_unix_nano=duration_ns,
        status_code=status,
    )


def test_calls_and_duration_histogram() -> None:
    registry = CollectorRegistry()
    metrics = SpanMetrics(registry)
    metrics.record([record("GET /", 3_000_000), record("GET /", 300_000_000)])
    metrics.record([record("GET /", 1_000, status="STATUS_CODE_ERROR")])
    labels = {
        "service_name": "gateway",
        "span_name": "GET /",
        "span_kind": "SPAN_KIND_SERVER",
        "status_code": "STATUS_CODE_UNSET",
    }
    assert registry.get_sample_value("sum_spanmetrics_calls_total", labels) == 2
    assert (
        registry.get_sample_value(
            "sum_spanmetrics_duration_seconds_bucket", {**labels, "le": "0.004"}
        )
        == 1
    )
    assert (
        registry.get_sample_value(
            "sum_spanmetrics_duration_seconds_bucket", {**labels, "le": "0.4"}
        )
        == 2
    )
    assert registry.get_sample_value("sum_spanmetrics_duration_seconds_sum", labels) == 0.303
    errors = {**labels, "status_code": "STATUS_CODE_ERROR"}
    assert registry.get_sample_value("sum_spanmetrics_calls_total", errors) == 1


def test_new_label_sets_beyond_the_budget_go_to_overflow() -> None:
    registry = CollectorRegistry()
    metrics = SpanMetrics(registry, max_series=3)
    metrics.record([record(f"GET /documents/{i}", 1_000) for i in range(50)])
    assert metrics.series_count == 4  # three real series plus the gateway overflow series
    overflow = {
        "service_name": "gateway",
        "span_name": OVERFLOW_SPAN_NAME,
        "span_kind": "SPAN_KIND_SERVER",
        "status_code": "STATUS_CODE_UNSET",
    }
    assert registry.get_sample_value("sum_spanmetrics_calls_total", overflow) == 47
    assert registry.get_sample_value("sum_spanmetrics_overflow_total") == 47
    assert b"sum_spanmetrics_calls_total" in generate_latest(registry)
