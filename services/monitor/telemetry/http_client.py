"""POST bytes and learn the status: all the forwarder and the alert webhook need from HTTP.

The response body is never read (nothing here uses it), redirects are not followed and proxy
variables are ignored, so telemetry goes exactly where the operator pointed it.
"""

import asyncio
import functools
import ssl
from urllib.parse import urlsplit

import httpx


class HttpPostError(Exception):
    """The request could not be sent or the response could not be read."""


# Loading the CA store is the costly part of a client; one context serves every POST.
_ssl_context = functools.cache(ssl.create_default_context)


def _host(url: str) -> str:
    """``host:port`` of an http(s) URL; errors name only this, as webhook paths carry tokens."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # "http://[::1", "http://host:99999": a sender must not die of it
        raise HttpPostError("malformed URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpPostError(f"unsupported URL (need http:// or https://): {parts.scheme}://…")
    return f"{parts.hostname}:{port or (443 if parts.scheme == 'https' else 80)}"


async def http_post(
    url: str, body: bytes, headers: dict[str, str] | None = None, timeout_seconds: float = 5.0
) -> int:
    """POST ``body`` to ``url`` within ``timeout_seconds`` in all and return the HTTP status;
    raises :class:`HttpPostError` on network or protocol failure."""
    host = _host(url)
    headers = headers or {}
    for name, value in headers.items():
        if any(ch in name + value for ch in "\r\n"):
            raise HttpPostError(f"header {name!r} contains a line break")
    try:
        async with (
            asyncio.timeout(timeout_seconds),
            httpx.AsyncClient(verify=_ssl_context(), trust_env=False, timeout=None) as client,
            client.stream("POST", url, content=body, headers=headers) as response,
        ):
            return response.status_code
    except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as exc:
        raise HttpPostError(f"POST to {host} failed: {exc!r}") from exc
