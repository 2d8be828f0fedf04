"""ClamAV's clamd over its INSTREAM protocol, guarded by a timeout and a circuit breaker.

Protocol: ``zINSTREAM\\0``, then chunks each prefixed by a 4-byte big-endian length, then a
zero-length chunk; clamd answers ``stream: OK\\0``, ``stream: <name> FOUND\\0`` or ``... ERROR\\0``.
clamd refuses streams longer than its ``StreamMaxLength`` (default 25 MiB) by answering an error
and hanging up mid-stream, and that answer is usually lost in the connection reset. So the adapter
stops by itself at ``max_stream_bytes``, which must not exceed the server's setting: configure
clamd above the largest upload limit, or larger uploads are "unscanned" (fail-open) or 503s.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from typing import NoReturn
from urllib.parse import urlsplit

from services.gateway.intake.scanning.protocol import ScannerUnavailable, ScanVerdict
from shared.resilience import CircuitBreaker, CircuitOpenError, Permit

ENGINE = "clamd"
_LENGTH = struct.Struct(">I")
_END_OF_STREAM = _LENGTH.pack(0)
_MAX_REPLY_BYTES = 4096


def parse_clamd_url(url: str) -> tuple[str, int] | str:
    """``tcp://host:port`` → (host, port); ``unix:///path/clamd.sock`` → the socket path."""
    parts = urlsplit(url)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return parts.hostname, parts.port
    if parts.scheme == "unix" and parts.path:
        return parts.path
    raise ValueError(f"clamd URL must be tcp://host:port or unix:///path, not {url!r}")


class ClamdScanner:
    name = ENGINE

    def __init__(
        self,
        url: str,
        *,
        breaker: CircuitBreaker | None = None,
        io_timeout: float = 5.0,
        verdict_timeout: float = 60.0,
        max_stream_bytes: int = 25 * 1024 * 1024,
    ) -> None:
        self.address = parse_clamd_url(url)
        self.max_stream_bytes = max_stream_bytes
        self.breaker = breaker or CircuitBreaker("clamd")
        self.io_timeout = io_timeout
        # clamd scans only after the last chunk, so the verdict of a large file takes a while.
        self.verdict_timeout = verdict_timeout

    async def open(self, *, tolerate_unavailable: bool = False) -> ClamdSession:
        try:
            permit = self.breaker.acquire()
        except CircuitOpenError as exc:
            raise ScannerUnavailable(ENGINE, str(exc)) from None
        try:
            async with asyncio.timeout(self.io_timeout):
                reader, writer = await self._connect()
                writer.write(b"zINSTREAM\0")
                await writer.drain()
        except (OSError, TimeoutError) as exc:
            permit.failure()
            raise ScannerUnavailable(ENGINE, f"cannot connect: {exc!r}") from None
        return ClamdSession(self, reader, writer, permit)

    async def ping(self) -> bool:
        """True when clamd answers PING (for readiness checks; does not touch the breaker)."""
        try:
            async with asyncio.timeout(self.io_timeout):
                reader, writer = await self._connect()
                writer.write(b"zPING\0")
                reply = await reader.readuntil(b"\0")
                writer.close()
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return False
        return reply == b"PONG\0"

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if isinstance(self.address, str):
            return await asyncio.open_unix_connection(self.address, limit=_MAX_REPLY_BYTES)
        host, port = self.address
        return await asyncio.open_connection(host, port, limit=_MAX_REPLY_BYTES)


class ClamdSession:
    def __init__(
        self,
        scanner: ClamdScanner,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        permit: Permit,
    ) -> None:
        self._scanner = scanner
        self._reader = reader
        self._writer = writer
        self._permit = permit
        self._sent = 0

    async def feed(self, chunk: bytes) -> ScanVerdict | None:
        if not chunk:
            return None  # a zero-length chunk would end the stream early
        self._sent += len(chunk)
        if self._sent > self._scanner.max_stream_bytes:
            self._permit.release()  # says nothing about clamd's health
            await self._close()
            raise ScannerUnavailable(
                ENGINE, f"stream longer than clamd accepts ({self._scanner.max_stream_bytes} bytes)"
            )
        try:
            async with asyncio.timeout(self._scanner.io_timeout):
                self._writer.write(_LENGTH.pack(len(chunk)))
                self._writer.write(chunk)
                await self._writer.drain()
        except (OSError, TimeoutError) as exc:
            # clamd hangs up mid-stream when a limit is hit; its reply says which.
            reply = await self._read_reply_quietly()
            await self._fail(reply or f"stream interrupted: {exc!r}", counts=not reply)
        return None

    async def finish(self) -> ScanVerdict:
        try:
            async with asyncio.timeout(self._scanner.verdict_timeout):
                self._writer.write(_END_OF_STREAM)
                await self._writer.drain()
                raw = await self._reader.readuntil(b"\0")
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as e:
            await self._fail(f"no verdict: {e!r}", counts=True)
        reply = raw.rstrip(b"\0").decode("utf-8", "replace").strip()
        await self._close()
        return self._verdict(reply)

    async def abort(self) -> None:
        self._permit.release()
        await self._close()

    def _verdict(self, reply: str) -> ScanVerdict:
        body = reply.split(": ", 1)[1] if reply.startswith("stream: ") else reply
        if body == "OK":
            self._permit.success()
            return ScanVerdict(infected=False, engine=ENGINE)
        if body.endswith(" FOUND"):
            self._permit.success()
            return ScanVerdict(infected=True, signature=body.removesuffix(" FOUND"), engine=ENGINE)
        if "limit exceeded" in body:
            self._permit.success()  # clamd is healthy; this stream is beyond its StreamMaxLength
        else:
            # clamd is up but broken (database not loaded, out of memory...): a health failure.
            self._permit.failure()
        raise ScannerUnavailable(ENGINE, f"clamd answered {reply!r}")

    async def _fail(self, reason: str, *, counts: bool) -> NoReturn:
        """Raise ScannerUnavailable; ``counts`` says whether it reflects on clamd's health."""
        if counts:
            self._permit.failure()
        else:
            self._permit.success()  # clamd answered: it is alive, this stream was the problem
        await self._close()
        raise ScannerUnavailable(ENGINE, reason)

    async def _read_reply_quietly(self) -> str:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(min(self._scanner.io_timeout, 1.0)):
                raw = await self._reader.readuntil(b"\0")
                return raw.rstrip(b"\0").decode("utf-8", "replace").strip()
        return ""

    async def _close(self) -> None:
        if self._writer.is_closing():
            return
        self._writer.close()
        with contextlib.suppress(Exception):
            await self._writer.wait_closed()
