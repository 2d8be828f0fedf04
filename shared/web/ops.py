"""Health, readiness and metrics routes — the same for every service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from shared.health import Check, run_checks

ChecksProvider = Callable[[], dict[str, Check]]


def ops_routes(
    checks: ChecksProvider, extra_registries: tuple[CollectorRegistry, ...] = ()
) -> list[HTTPRouteHandler]:
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
        body = b"".join(generate_latest(r) for r in (REGISTRY, *extra_registries))
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [live, ready, prometheus]
