"""How the gateway's own error types become RFC 9457 answers (the rest: shared.web.problems)."""

from __future__ import annotations

import math
from typing import Any

from litestar import Request, Response
from litestar.types import ExceptionHandlersMap

from services.gateway.edge.load_shedding import Overloaded
from services.gateway.intake import UploadRejected
from shared.db.guarded import CONNECTION_ERRORS
from shared.resilience import CircuitOpenError
from shared.web.problems import problem_response


def rejected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, UploadRejected)
    headers = {"Retry-After": "30"} if exc.retryable else None
    return problem_response(
        request, exc.status, exc.problem_type, exc.title, exc.detail, headers, **exc.extra
    )


def unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    # The database (or another dependency behind a breaker) is away: tell clients when to retry.
    wait = exc.retry_after if isinstance(exc, CircuitOpenError) else 0.0
    return problem_response(
        request,
        503,
        "dependency-unavailable",
        "Service unavailable",
        "A dependency of the gateway is unavailable; retry later.",
        {"Retry-After": str(max(1, math.ceil(wait)))},
    )


def overloaded(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, Overloaded)
    return problem_response(
        request,
        503,
        exc.slug,
        "Service unavailable",
        exc.detail,
        {"Retry-After": str(exc.retry_after)},
    )


ERROR_ANSWERS: ExceptionHandlersMap = {
    UploadRejected: rejected,
    CircuitOpenError: unavailable,
    Overloaded: overloaded,
    **dict.fromkeys(CONNECTION_ERRORS, unavailable),
}
