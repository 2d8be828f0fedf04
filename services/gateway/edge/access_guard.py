"""The gate every API request passes before any route code runs: an API key, then its rate limit.

Only ``/health/*``, ``/metrics``, ``/schema`` and ``/asyncapi.yaml`` are open. A refusal is
answered here (401, 429, 503), before a byte of an upload body is read. The caller's
``Principal`` and address are put in the request state for the routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.edge.api_keys import Authenticator, Unauthenticated
from services.gateway.edge.client_address import IPNetwork, client_address
from services.gateway.edge.rate_limits import (
    RateLimit,
    RateLimitDecision,
    RateLimiterUnavailable,
    RedisRateLimiter,
)
from shared.errors import RetryableError
from shared.web.problems import Problem, send_problem


class RateLimited(Problem):
    status = 429
    problem_type = "rate-limited"
    title = "Too many requests"


class RateLimiterDown(Problem, RetryableError):
    status = 503
    problem_type = "rate-limiter-unavailable"
    title = "Service unavailable"
    retry_after = 5


OPEN_PATHS = ("/health/", "/metrics", "/schema", "/asyncapi.yaml")
PRINCIPAL = "principal"
CLIENT_IP = "client_ip"


@dataclass
class GuardConfig:
    authenticator: Authenticator
    limiter: RedisRateLimiter
    upload_limit: RateLimit
    read_limit: RateLimit
    trusted_proxies: tuple[IPNetwork, ...]


# The adapters open in the app's lifespan, after the middleware stack is built: read them late.
GuardConfigProvider = Callable[[], "GuardConfig | None"]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _is_upload(scope: Scope) -> bool:
    return scope.get("method") == "POST" and str(scope.get("path", "")).rstrip("/") == (
        "/v1/documents"
    )


def make_guard(get_config: GuardConfigProvider) -> Callable[[ASGIApp], ASGIApp]:
    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            config = get_config()
            path = str(scope.get("path", ""))
            state = scope.setdefault("state", {})
            state[CLIENT_IP] = client_address(scope, config.trusted_proxies if config else ())
            if path.startswith(OPEN_PATHS) or config is None:
                await app(scope, receive, send)
                return
            try:
                principal = await config.authenticator.authenticate(
                    _header(scope, b"authorization")
                )
            except Unauthenticated as refusal:
                await send_problem(scope, send, refusal)
                return
            state[PRINCIPAL] = principal
            upload = _is_upload(scope)
            limit = config.upload_limit if upload else config.read_limit
            bucket = "upload" if upload else "read"
            try:
                decision = await config.limiter.check(f"{principal.key_prefix}:{bucket}", limit)
            except RateLimiterUnavailable:
                # The limiter's own error may name Redis internals: the client gets a fixed text.
                detail = "the rate limiter is unavailable; try again shortly"
                await send_problem(scope, send, RateLimiterDown(detail))
                return
            if not decision.allowed:
                detail = (
                    f"this API key may make {limit.requests} {bucket} requests per "
                    f"{limit.period_seconds:g} s"
                )
                await send_problem(scope, send, RateLimited(detail, headers=decision.headers()))
                return
            await app(scope, receive, _with_rate_headers(send, decision))

        return wrapped

    return middleware


def _with_rate_headers(send: Send, decision: RateLimitDecision) -> Send:
    if decision.degraded:
        return send  # no decision was made: claim no budget
    extra = [(k.lower().encode(), v.encode()) for k, v in decision.headers().items()]

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return sending
