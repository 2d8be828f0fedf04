"""Alerting for the monitor: rules over pipeline snapshots, states, metric and webhook."""

from .config import AlertThresholds
from .engine import AlertEngine
from .rules import DEFAULT_RULES, Finding, Rule
from .snapshot import (
    ConsumerBacklog,
    DbPoolUsage,
    PipelineSnapshot,
    ServiceHeartbeat,
    ServiceTraffic,
)
from .state import AlertEvent, AlertState, AlertsView

__all__ = [
    "DEFAULT_RULES",
    "AlertEngine",
    "AlertEvent",
    "AlertState",
    "AlertThresholds",
    "AlertsView",
    "ConsumerBacklog",
    "DbPoolUsage",
    "Finding",
    "PipelineSnapshot",
    "Rule",
    "ServiceHeartbeat",
    "ServiceTraffic",
]
