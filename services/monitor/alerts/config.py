"""Alert thresholds, read from ``SUM_MONITOR_ALERT_*`` variables (a group of MonitorSettings)."""

from typing import ClassVar

import msgspec


class AlertThresholds(msgspec.Struct, frozen=True, kw_only=True):
    """Each field is read from ``SUM_MONITOR_ALERT_<FIELD NAME IN CAPITALS>``.

    ``SUM_MONITOR_ALERT_EXPECTED_SERVICES`` is a comma-separated list;
    ``SUM_MONITOR_ALERT_WEBHOOK`` is a URL that receives a JSON POST on every fire and resolve.
    """

    env_prefix: ClassVar[str] = "MONITOR_ALERT_"

    memory_percent: float = 80.0
    cpu_percent: float = 85.0
    backlog_pending: int = 50
    error_rate_percent: float = 5.0
    # A handful of requests with one failure is not a 5 % error rate worth waking anyone for.
    error_rate_min_requests: int = 20
    # Fires when the dead-letter depth exceeds this; 0 means "any dead letter".
    dead_letters: int = 0
    service_missing_seconds: float = 30.0
    expected_services: tuple[str, ...] = ("gateway", "ingest", "processor")
    evaluate_interval_seconds: float = 5.0
    # Resolved alerts stay visible on the dashboard this long, then are forgotten.
    keep_resolved_seconds: float = 3600.0
    webhook: str | None = None
    webhook_timeout_seconds: float = 5.0
