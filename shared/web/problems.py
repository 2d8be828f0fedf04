"""RFC 9457 problem details: every error answer of every service is ``application/problem+json``."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import (
    ExceptionHandlersMap,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Scope,
    Send,
)

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://sum.dev/problems/"


class Problem(Exception):
    """An error meant for the client; ``slug`` is the stable part of its ``type``."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    slug: str,
    title: str,
    detail: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body = problem_body(status, slug, title, detail, request.url.path, **extra)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_body(
    status: int, slug: str, title: str, detail: str, instance: str, **extra: Any
) -> dict[str, Any]:
    """The JSON object of a problem answer, also for answers written below the framework."""
    return {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": instance,
        **extra,
    }


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> None:
    """A problem answer written straight to ASGI, for middleware that runs before the app."""
    body = json.dumps(problem_body(status, slug, title, detail, scope.get("path", ""))).encode()
    raw_headers: list[tuple[bytes, bytes]] = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in (headers or {}).items()),
    ]
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": raw_headers,
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)


def handle_problem(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, Problem)
    return problem_response(
        request, exc.status, exc.slug, exc.title, exc.detail, exc.headers, **exc.extra
    )


def handle_http_exception(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if status >= 500:
        return handle_unexpected(request, exc)
    slug = "invalid-request" if isinstance(exc, ValidationException) else _slug(status)
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and exc.extra:
        extra["errors"] = exc.extra
    return problem_response(
        request, status, slug, _title(status), str(exc.detail), dict(exc.headers or {}), **extra
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # The detail stays generic: internals (and any secret in them) never reach the client.
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal-error",
        "Internal error",
        "The server failed to handle this request.",
    )


def _slug(status: int) -> str:
    return {
        400: "bad-request",
        401: "unauthorized",
        403: "forbidden",
        404: "not-found",
        405: "method-not-allowed",
        413: "too-large",
        415: "unsupported-media-type",
        429: "rate-limited",
    }.get(status, f"http-{status}")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    Problem: handle_problem,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
