"""Monitor settings, each read from ``SUM_<FIELD NAME>`` (see shared/config.py)."""

from __future__ import annotations

import msgspec

from services.monitor.alerts.config import AlertThresholds
from services.monitor.telemetry.config import TelemetrySettings
from shared.config import CommonSettings


class MonitorSettings(CommonSettings, kw_only=True):
    monitor_port: int = 5004
    monitor_otlp_port: int = 4318
    # name=url pairs of the services whose /health and /metrics the monitor watches.
    monitor_targets: str = (
        "gateway=http://127.0.0.1:5001,ingest=http://127.0.0.1:5002,processor=http://127.0.0.1:5003"
    )
    monitor_scrape_interval: float = 5.0
    # SUM_MONITOR_ALERT_*: alert thresholds and the webhook
    alerts: AlertThresholds = msgspec.field(default_factory=AlertThresholds)
    # SUM_MONITOR_*: bounds of the telemetry receiver and store, OTLP forwarding
    telemetry: TelemetrySettings = msgspec.field(default_factory=TelemetrySettings)

    def targets(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for item in self.monitor_targets.split(",") if "=" in item)
        return {name.strip(): url.strip().rstrip("/") for name, url in pairs}
