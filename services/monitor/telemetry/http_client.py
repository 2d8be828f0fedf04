"""A minimal asyncio HTTP/1.1 POST client for forwarding telemetry and alert webhooks.

The runtime dependencies include no async HTTP client and the monitor only ever needs
"POST these bytes, tell me the status", so this stays small: one request per connection
(``Connection: close``), no redirects, no cookies, https via the default SSL context.
"""

import asyncio
import ssl
from urllib.parse import urlsplit

import msgspec

MAX_RESPONSE_BYTES = 64 * 1024


class HttpPostError(Exception):
    """The request could not be sent or the response could not be read."""


class HttpResponse(msgspec.Struct, frozen=True):
    status: int
    headers: dict[str, str]
    body: bytes


def _target(url: str) -> tuple[str, int, str, bool]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpPostError(f"unsupported URL (need http:// or https://): {parts.scheme}://…")
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.hostname, port, path, secure


def _request_head(host: str, path: str, body_length: int, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {body_length}"]
    lines.append("Connection: close")
    for name, value in headers.items():
        if any(ch in name + value for ch in "\r\n"):
            raise HttpPostError(f"header {name!r} contains a line break")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_response(reader: asyncio.StreamReader) -> HttpResponse:
    status_line = await reader.readline()
    parts = status_line.decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise HttpPostError(f"malformed status line: {status_line[:80]!r}")
    headers: dict[str, str] = {}
    while line := (await reader.readline()).strip():
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length", "")
    if length.isdigit():
        body = await reader.readexactly(min(int(length), MAX_RESPONSE_BYTES))
    else:
        body = await reader.read(MAX_RESPONSE_BYTES)
    return HttpResponse(status=int(parts[1]), headers=headers, body=body)


async def http_post(
    url: str, body: bytes, headers: dict[str, str] | None = None, timeout_seconds: float = 5.0
) -> HttpResponse:
    """POST ``body`` to ``url``; raises :class:`HttpPostError` on network or protocol failure."""
    host, port, path, secure = _target(url)
    head = _request_head(host, path, len(body), headers or {})
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout_seconds):
            context = ssl.create_default_context() if secure else None
            reader, writer = await asyncio.open_connection(host, port, ssl=context)
            writer.write(head)
            writer.write(body)
            await writer.drain()
            return await _read_response(reader)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, UnicodeError) as exc:
        raise HttpPostError(f"POST to {host}:{port} failed: {exc!r}") from exc
    finally:
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, ssl.SSLError):
                pass
