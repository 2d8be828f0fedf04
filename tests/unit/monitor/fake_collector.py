"""A real HTTP/1.1 endpoint on loopback that records POSTs and answers with scripted statuses."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeCollector:
    statuses: list[int] = field(default_factory=list)  # consumed per request, then 200
    received: list[Received] = field(default_factory=list)
    attempts: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = (await reader.readline()).decode()
        headers: dict[str, str] = {}
        while line := (await reader.readline()).strip():
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.attempts += 1
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append(Received(request_line.split(" ")[1], headers, body))
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\n\r\n{{}}".encode())
        await writer.drain()
        writer.close()


@contextlib.asynccontextmanager
async def run_collector(collector: FakeCollector) -> AsyncIterator[str]:
    server = await asyncio.start_server(collector.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()
