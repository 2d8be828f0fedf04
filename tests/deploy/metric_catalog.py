"""The metric families SUM's services export: the only ones rules and dashboards may use."""

from __future__ import annotations

SUM_METRICS = frozenset(
    {
        "sum_http_requests_total",
        "sum_http_request_duration_seconds",
        "sum_upload_bytes_total",
        "sum_documents_total",
        "sum_stage_duration_seconds",
        "sum_retries_total",
        "sum_dead_letters_total",
        "sum_circuit_breaker_state",
        "sum_db_pool_size",
        "sum_db_pool_in_use",
        "sum_consumer_pending",
        "sum_consumer_ack_pending",
        "sum_consumer_redelivered",
        "sum_pipeline_documents",
        "sum_pipeline_latency_seconds",
        "sum_alert_firing",
        "sum_spanmetrics_calls_total",
        "sum_spanmetrics_duration_seconds",
        "sum_service_up",
    }
)

# prometheus_client's default process and platform collectors.
CLIENT_DEFAULT_METRICS = frozenset(
    {
        "process_resident_memory_bytes",
        "process_virtual_memory_bytes",
        "process_cpu_seconds_total",
        "process_start_time_seconds",
        "process_open_fds",
        "process_max_fds",
        "python_info",
    }
)
CLIENT_DEFAULT_PREFIXES = ("python_gc_",)

# Written by Prometheus itself for every target; valid in rules, never in a service scrape.
PROMETHEUS_SYNTHETIC = frozenset({"up"})


def is_exported_by_services(name: str) -> bool:
    return (
        name in SUM_METRICS
        or name in CLIENT_DEFAULT_METRICS
        or name.startswith(CLIENT_DEFAULT_PREFIXES)
    )
