"""Headers the gateway adds to every answer: security headers, and a complete ``Allow`` on
OPTIONS answers."""

from __future__ import annotations

import re

from litestar.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# The API answers only data: nothing in it may load or run. The /schema pages load their
# renderer from a CDN, so they get no Content-Security-Policy.
API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
API_CACHE = (b"cache-control", b"no-store")


def security_headers(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        extra = list(SECURITY_HEADERS)
        if not str(scope.get("path", "")).startswith("/schema"):
            extra += [API_CSP, API_CACHE]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(header for header in extra if header[0] not in present),
                ]
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


def complete_allow_header(app: ASGIApp) -> ASGIApp:
    """Litestar's automatic OPTIONS answer lists only the methods of the first handler registered
    on a path; list every method of the route, as the OpenAPI document does."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "OPTIONS":
            await app(scope, receive, send)
            return
        template = _untyped(str(scope.get("path_template", "")))
        methods = sorted(
            {
                method
                for route in getattr(scope.get("app"), "routes", [])
                if _untyped(route.path) == template
                for method in getattr(route, "methods", ())
            }
        )

        async def send_full_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and methods:
                message["headers"] = [
                    *(h for h in message.get("headers", []) if h[0].lower() != b"allow"),
                    (b"allow", ", ".join(methods).encode()),
                ]
            await send(message)

        await app(scope, receive, send_full_allow)

    return wrapped


def _untyped(path: str) -> str:
    """``/v1/documents/{document_id:str}`` → ``/v1/documents/{document_id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)
