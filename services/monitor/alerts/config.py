"""Alert thresholds, read from ``SUM_MONITOR_ALERT_*`` variables."""

import os

import msgspec


class AlertThresholds(msgspec.Struct, frozen=True, kw_only=True):
    """Each field is read from ``SUM_MONITOR_ALERT_<FIELD NAME IN CAPITALS>``.

    ``SUM_MONITOR_ALERT_EXPECTED_SERVICES`` is a comma-separated list;
    ``SUM_MONITOR_ALERT_WEBHOOK`` is a URL that receives a JSON POST on every fire and resolve.
    """

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

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "AlertThresholds":
        """Build from the environment; a malformed value raises ``ValueError``."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in msgspec.structs.fields(cls):
            raw = env.get(f"SUM_MONITOR_ALERT_{field.name.upper()}")
            if raw is None or raw.strip() == "":
                continue
            if field.name == "expected_services":
                values[field.name] = [name.strip() for name in raw.split(",") if name.strip()]
            else:
                values[field.name] = raw.strip()
        try:
            return msgspec.convert(values, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise ValueError(f"invalid alert setting: {exc}") from exc
