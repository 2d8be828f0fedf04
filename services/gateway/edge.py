"""ASGI plumbing at the very edge: security headers on every answer, the client's real address,
and problem answers written before the application runs (401, 429, 503).
"""

from __future__ import annotations

import ipaddress
import json
import re

from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from shared.web.problems import PROBLEM_JSON, problem_body

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

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


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` → networks; a bad entry stops the gateway at start-up."""
    try:
        return tuple(
            ipaddress.ip_network(item.strip(), strict=False)
            for item in text.split(",")
            if item.strip()
        )
    except ValueError as exc:
        raise SystemExit(f"invalid settings: SUM_TRUSTED_PROXIES: {exc}") from None


def client_address(scope: Scope, trusted: tuple[IPNetwork, ...]) -> str:
    """The client's IP: the peer, or, walking X-Forwarded-For from the right, the first address
    not belonging to a trusted proxy. Only trusted proxies may speak for the client."""
    peer = (scope.get("client") or ("", 0))[0]
    if not trusted or not _is_trusted(peer, trusted):
        return str(peer)
    forwarded = [
        hop.strip()
        for name, value in scope.get("headers", [])
        if name.lower() == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
    ]
    for hop in reversed(forwarded):
        if not _is_trusted(hop, trusted):
            return hop if _is_ip(hop) else str(peer)
    return str(peer)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> None:
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
