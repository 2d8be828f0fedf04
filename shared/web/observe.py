"""Per-request observation, the same in every service: a SERVER span continuing the caller's
trace, the request id, and the request metrics (by route template, so labels stay bounded).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from shared.logging import request_id_var
from shared.telemetry import metrics
from shared.telemetry.tracing import extract_context

tracer = trace.get_tracer("sum.http")
# A client's id is echoed only if it is short and plain: it ends up in logs and headers.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_UNOBSERVED = ("/health/", "/metrics")


def observe_requests(service: str) -> Callable[[ASGIApp], ASGIApp]:
    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            given = headers.get("x-request-id", "")
            request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
            token = request_id_var.set(request_id)
            method = str(scope.get("method", "GET"))
            route = scope.get("path_template") or "unmatched"
            started = time.perf_counter()
            status = 500

            async def send_wrapper(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"x-request-id", request_id.encode()),
                    ]
                await send(message)

            traced = not str(scope.get("path", "")).startswith(_UNOBSERVED)
            span_cm = (
                tracer.start_as_current_span(
                    f"{method} {route}",
                    context=extract_context(headers),
                    kind=SpanKind.SERVER,
                    attributes={
                        "http.request.method": method,
                        "http.route": route,
                        "url.path": str(scope.get("path", "")),
                        "sum.request_id": request_id,
                    },
                )
                if traced
                else None
            )
            span = span_cm.__enter__() if span_cm else None
            try:
                await app(scope, receive, send_wrapper)
            finally:
                if span is not None and span_cm is not None:
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                    span_cm.__exit__(None, None, None)
                request_id_var.reset(token)
                metrics.http_requests.labels(service, method, route, str(status)).inc()
                metrics.http_duration.labels(service, method, route).observe(
                    time.perf_counter() - started
                )

        return wrapped

    return middleware
