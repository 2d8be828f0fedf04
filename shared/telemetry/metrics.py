"""Every Prometheus metric of the platform, defined once. Services import what they record.

Names follow Prometheus conventions: ``sum_`` prefix, base units, ``_total`` on counters.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

http_requests = Counter(
    "sum_http_requests", "HTTP requests answered", ["service", "method", "route", "status"]
)
http_duration = Histogram(
    "sum_http_request_duration_seconds",
    "HTTP request duration",
    ["service", "method", "route"],
    buckets=LATENCY_BUCKETS,
)
upload_bytes = Counter("sum_upload_bytes", "Bytes of accepted uploads", ["service"])
documents = Counter("sum_documents", "Documents handled by stage and outcome", ["stage", "outcome"])
stage_duration = Histogram(
    "sum_stage_duration_seconds",
    "Time a stage spent on one document",
    ["stage"],
    buckets=LATENCY_BUCKETS,
)
retries = Counter("sum_retries", "Deliveries handed back for a later retry", ["stage"])
dead_letters = Counter(
    "sum_dead_letters", "Messages moved to the dead-letter stream", ["stage", "error_type"]
)
db_pool_size = Gauge("sum_db_pool_size", "PostgreSQL pool connections open", ["service"])
db_pool_in_use = Gauge("sum_db_pool_in_use", "PostgreSQL pool connections in use", ["service"])
consumer_pending = Gauge(
    "sum_consumer_pending", "Messages not yet delivered to a consumer", ["stream", "consumer"]
)
consumer_ack_pending = Gauge(
    "sum_consumer_ack_pending",
    "Messages delivered but not yet acknowledged",
    ["stream", "consumer"],
)
consumer_redelivered = Gauge(
    "sum_consumer_redelivered", "Messages redelivered at least once", ["stream", "consumer"]
)
dead_letter_depth = Gauge("sum_dead_letter_depth", "Messages held in the dead-letter stream")
dependency_gate_open = Gauge(
    "sum_dependency_gate_open",
    "1 while a stage's dependencies answer, 0 while it holds work because one is down",
    ["stage"],
)
held_messages = Counter(
    "sum_held_messages", "Messages held (not retried) because a dependency was down", ["stage"]
)
resubscriptions = Counter(
    "sum_consumer_resubscriptions",
    "Pull subscriptions re-created after a reconnect or a stalled consumer",
    ["stage", "cause"],
)
reconciler_republished = Counter(
    "sum_reconciler_republished",
    "Events re-published for documents whose event was lost (by the status they were stuck in)",
    ["status"],
)
