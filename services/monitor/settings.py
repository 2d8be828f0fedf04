from __future__ import annotations

from shared.config import CommonSettings


class MonitorSettings(CommonSettings, kw_only=True):
    monitor_port: int = 5004
    monitor_otlp_port: int = 4318
    # name=url pairs of the services whose /health and /metrics the monitor watches.
    monitor_targets: str = (
        "gateway=http://127.0.0.1:5001,ingest=http://127.0.0.1:5002,processor=http://127.0.0.1:5003"
    )
    monitor_scrape_interval: float = 5.0

    def targets(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for item in self.monitor_targets.split(",") if "=" in item)
        return {name.strip(): url.strip().rstrip("/") for name, url in pairs}
