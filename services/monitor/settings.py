from __future__ import annotations

from shared.config import CommonSettings


class MonitorSettings(CommonSettings, kw_only=True):
    monitor_port: int = 5004
    monitor_otlp_port: int = 4318
