"""The monitor's telemetry core: OTLP/HTTP receiver, span metrics, trace store, forwarding."""

from .config import TelemetrySettings
from .hub import TelemetryHub
from .model import SpanRecord
from .receiver import create_otlp_app, otlp_route_handlers
from .store import TraceStore
from .trace_views import SpanNode, TraceSummary, TraceView

__all__ = [
    "SpanNode",
    "SpanRecord",
    "TelemetryHub",
    "TelemetrySettings",
    "TraceStore",
    "TraceSummary",
    "TraceView",
    "create_otlp_app",
    "otlp_route_handlers",
]
