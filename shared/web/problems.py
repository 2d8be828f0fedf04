"""RFC 9457 problem details: every error answer of every service is ``application/problem+json``.

One family of errors is meant for clients: ``Problem``. A subclass fixes its ``status``, its
``problem_type`` (the stable last part of the answer's ``type``, also the ``problem_type`` of a
rejected NATS submission) and its ``title``; an instance carries the ``detail`` and any
machine-readable extra fields. Whether a problem may pass later stays a type: a subclass that is
also a ``shared.errors.RetryableError`` is ``retryable``. This module is the one place where
problems, Litestar's own HTTP errors and outages of a dependency become answers.
"""

from __future__ import annotations

import json
import logging
import math
from http import HTTPStatus
from typing import Any, ClassVar

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

from shared.db.guarded import CONNECTION_ERRORS
from shared.errors import RetryableError
from shared.resilience import CircuitOpenError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://sum.dev/problems/"


class Problem(Exception):
    """An error meant for the client, answered as problem details."""

    status: ClassVar[int] = 400
    problem_type: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    # Seconds after which a client may try again (the Retry-After header), if it may at all.
    retry_after: int | None = None

    def __init__(
        self,
        detail: str = "",
        *,
        headers: dict[str, str] | None = None,
        retry_after: int | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}
        if retry_after is not None:
            self.retry_after = retry_after
        self.extra: dict[str, Any] = extra

    @property
    def retryable(self) -> bool:
        """The same request may succeed later (the type says so: a RetryableError)."""
        return isinstance(self, RetryableError)

    def answer_headers(self) -> dict[str, str]:
        retry = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return {**retry, **self.headers}

    def problem(self) -> dict[str, Any]:
        """The problem-details fields (without ``type`` base URI and ``instance``)."""
        return {
            "problem_type": self.problem_type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extra,
        }

    def body(self, instance: str) -> dict[str, Any]:
        """The JSON object of the answer, ``instance`` being the request's path."""
        return problem_body(
            self.status, self.problem_type, self.title, self.detail, instance, **self.extra
        )


class DependencyUnavailable(Problem):
    """The database, or another dependency behind a breaker, is away: the client may retry."""

    status = 503
    problem_type = "dependency-unavailable"
    title = "Service unavailable"


class InternalError(Problem):
    status = HTTP_500_INTERNAL_SERVER_ERROR
    problem_type = "internal-error"
    title = "Internal error"


def problem_body(
    status: int, problem_type: str, title: str, detail: str, instance: str, **extra: Any
) -> dict[str, Any]:
    return {
        "type": TYPE_BASE + problem_type,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": instance,
        **extra,
    }


def answer(request: Request[Any, Any, Any], problem: Problem) -> Response[dict[str, Any]]:
    return Response(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.answer_headers() or None,
    )


async def send_problem(scope: Scope, send: Send, problem: Problem) -> None:
    """A problem answer written straight to ASGI, for middleware that runs before the app."""
    body = json.dumps(problem.body(scope.get("path", ""))).encode()
    raw_headers: list[tuple[bytes, bytes]] = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        *(
            (name.lower().encode(), value.encode())
            for name, value in problem.answer_headers().items()
        ),
    ]
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": problem.status,
        "headers": raw_headers,
    }
    await send(start)
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(end)


def handle_problem(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, Problem)
    return answer(request, exc)


def handle_http_exception(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if status >= 500:
        return handle_unexpected(request, exc)
    invalid = isinstance(exc, ValidationException)
    extra = {"errors": exc.extra} if invalid and exc.extra else {}
    problem_type = "invalid-request" if invalid else _type_of(status)
    body = problem_body(
        status, problem_type, _title(status), str(exc.detail), request.url.path, **extra
    )
    return Response(
        body, status_code=status, media_type=PROBLEM_JSON, headers=dict(exc.headers or {})
    )


def handle_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    wait = exc.retry_after if isinstance(exc, CircuitOpenError) else 0.0
    return answer(
        request,
        DependencyUnavailable(
            "A dependency of this service is unavailable; retry later.",
            retry_after=max(1, math.ceil(wait)),
        ),
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # The detail stays generic: internals (and any secret in them) never reach the client.
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return answer(request, InternalError("The server failed to handle this request."))


def _type_of(status: int) -> str:
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
    CircuitOpenError: handle_unavailable,
    **dict.fromkeys(CONNECTION_ERRORS, handle_unavailable),
    Exception: handle_unexpected,
}
