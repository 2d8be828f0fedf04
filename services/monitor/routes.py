"""HTTP surface of the monitor's telemetry core, for the monitor app to mount.

``MonitorState`` bundles the telemetry hub and the alert engine on one metrics registry. The
app owns it: build it once (``MonitorState.build(settings)``), ``await state.start()`` in the
lifespan, mount ``create_monitor_router(state)`` on the main port and serve
``create_otlp_app(state)`` on port 4318.
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Litestar, Router, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, Parameter
from prometheus_client import CollectorRegistry

from .alerts import AlertEngine, AlertsView, AlertThresholds
from .dashboard import PipelineView, dashboard_route_handlers
from .telemetry import TelemetryHub, TelemetrySettings, TraceSummary, TraceView
from .telemetry.receiver import create_otlp_app as _create_otlp_app

PipelineProvider = Callable[[], Awaitable[PipelineView]]
_TRACE_ID = re.compile(r"^[0-9a-fA-F]{32}$")


class TraceList(msgspec.Struct, frozen=True):
    traces: list[TraceSummary]


@dataclass
class MonitorState:
    telemetry: TelemetryHub
    alerts: AlertEngine
    # When set, the router also serves GET /api/pipeline from it.
    pipeline: PipelineProvider | None = None

    @property
    def registry(self) -> CollectorRegistry:
        """The registry ``GET /metrics`` serves; build the alert engine on it too."""
        return self.telemetry.registry

    @classmethod
    def build(
        cls,
        telemetry: TelemetrySettings,
        thresholds: AlertThresholds,
        pipeline: PipelineProvider | None = None,
    ) -> "MonitorState":
        """Everything on one registry, so ``GET /metrics`` shows span metrics and alerts."""
        hub = TelemetryHub(telemetry)
        alerts = AlertEngine(thresholds, hub.registry)
        return cls(telemetry=hub, alerts=alerts, pipeline=pipeline)

    async def start(self) -> None:
        await self.telemetry.start()
        await self.alerts.start()

    async def stop(self) -> None:
        await self.alerts.stop()
        await self.telemetry.stop()


def _api_handlers(state: MonitorState) -> list[HTTPRouteHandler]:
    store = state.telemetry.store

    @get("/api/traces")
    async def list_traces(
        document_id: Annotated[str | None, Parameter(max_length=256)] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
    ) -> TraceList:
        if document_id:
            return TraceList(store.find_by_document(document_id)[:limit])
        return TraceList(store.recent(limit))

    @get("/api/traces/{trace_id:str}")
    async def get_trace(trace_id: FromPath[str]) -> TraceView:
        if not _TRACE_ID.match(trace_id):
            raise ValidationException("trace_id must be 32 hexadecimal characters")
        view = store.get(trace_id)
        if view is None:
            raise NotFoundException(f"trace {trace_id} is not (or no longer) in the store")
        return view

    @get("/api/alerts")
    async def list_alerts() -> AlertsView:
        return state.alerts.view()

    handlers = [list_traces, get_trace, list_alerts]
    provider = state.pipeline
    if provider is not None:

        @get("/api/pipeline")
        async def pipeline_view() -> PipelineView:
            return await provider()

        handlers.append(pipeline_view)
    return handlers


def create_monitor_router(state: MonitorState) -> Router:
    """Dashboard at ``/`` plus ``/api/traces`` and ``/api/alerts``; the app's ``/metrics``
    serves ``state.registry`` beside the process-wide one."""
    return Router(path="/", route_handlers=[*dashboard_route_handlers(), *_api_handlers(state)])


def create_otlp_app(state: MonitorState) -> Litestar:
    """The OTLP/HTTP receiver app for port 4318; the app that mounts the router starts and
    stops ``state``."""
    return _create_otlp_app(state.telemetry)
