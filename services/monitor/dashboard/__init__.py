"""The monitor's dashboard: a static page drawing ``/api/pipeline``, alerts and traces."""

from .pages import dashboard_route_handlers
from .view import ConsumerView, DocumentCounts, LatencyView, PipelineView

__all__ = [
    "ConsumerView",
    "DocumentCounts",
    "LatencyView",
    "PipelineView",
    "dashboard_route_handlers",
]
