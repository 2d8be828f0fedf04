"""Health, readiness and metrics routes, plus request metrics — the same for every service."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.health import Check, run_checks
from shared.telemetry import metrics

ChecksProvider = Callable[[], dict[str, Check]]


def ops_routes(checks: ChecksProvider) -> list[HTTPRouteHandler]:
    @get("/health/live", include_in_schema=True, tags=["operations"], sync_to_thread=False)
    def live() -> dict[str, str]:
        return {"status": "ok"}

    @get("/health/ready", tags=["operations"])
    async def ready() -> Response[dict[str, Any]]:
        results = await run_checks(checks())
        failing = {name: reason for name, reason in results.items() if reason != "ok"}
        status = 503 if failing else 200
        body: dict[str, Any] = {"status": "unavailable" if failing else "ok", "checks": results}
        if failing:
            body["failing"] = sorted(failing)
        return Response(body, status_code=status)

    @get("/metrics", tags=["operations"], sync_to_thread=False)
    def prometheus() -> Response[bytes]:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return [live, ready, prometheus]


def request_metrics(service: str) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware counting requests by route template (not raw path: bounded labels)."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = 500

            async def send_wrapper(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await app(scope, receive, send_wrapper)
            finally:
                route = scope.get("path_template") or "unmatched"
                method = scope.get("method", "GET")
                metrics.http_requests.labels(service, method, route, str(status)).inc()
                metrics.http_duration.labels(service, method, route).observe(
                    time.perf_counter() - started
                )

        return wrapped

    return middleware
