"""Starts the four services as real subprocesses for end-to-end and fault tests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

SERVICES = ("gateway", "ingest", "processor", "monitor")
BIN = Path(sys.executable).parent


def listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` itself holds a listening TCP socket on ``port``.

    On a shared machine a port picked by ``free_port`` can be taken by someone else before our
    service binds it; then a readiness probe would be answered by a stranger."""
    try:
        inodes = {
            os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1]
            for fd in os.listdir(f"/proc/{pid}/fd")
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")
        }
    except OSError:
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port and inode in inodes:
                    return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Platform:
    env: dict[str, str]
    log_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)
    # A key of the platform's "default" tenant, made before the services start.
    api_key: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def __post_init__(self) -> None:
        for name in (*SERVICES, "otlp"):
            self.ports.setdefault(name, free_port())
        targets = ",".join(f"{s}={self.url(s)}" for s in SERVICES if s != "monitor")
        self.env = {
            # Services send their spans to this platform's monitor, quickly.
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{self.ports['otlp']}",
            "OTEL_BSP_SCHEDULE_DELAY": "200",
            "SUM_MONITOR_OTLP_PORT": str(self.ports["otlp"]),
            "SUM_MONITOR_TARGETS": targets,
            "SUM_MONITOR_SCRAPE_INTERVAL": "1",
            **self.env,
        }

    def start(self, service: str, extra_env: dict[str, str] | None = None) -> None:
        """Start ``service`` (again, on the same port); ``extra_env`` applies to this run only."""
        if service not in self.ports:
            self.ports[service] = free_port()
        self.extra_env[service] = extra_env or {}
        env = {
            **os.environ,
            **self.env,
            **(extra_env or {}),
            f"SUM_{service.upper()}_PORT": str(self.ports[service]),
        }
        log = (self.log_dir / f"{service}.log").open("ab")
        self.procs[service] = subprocess.Popen(
            [str(BIN / f"sum-{service}")], env=env, stdout=log, stderr=subprocess.STDOUT
        )

    async def wait_ready(self, service: str, timeout: float = 30.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        port_retries = 3
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                proc = self.procs[service]
                if proc.poll() is not None:
                    if port_retries and "address already in use" in self.tail(service, 5):
                        port_retries -= 1  # someone took our port first: pick another
                        self.ports[service] = free_port()
                        self.start(service, self.extra_env.get(service))
                        continue
                    raise RuntimeError(
                        f"{service} exited with {proc.returncode}: {self.tail(service)}"
                    )
                try:
                    answer = await client.get(self.url(service) + "/health/ready")
                    if answer.status_code == 200 and listens_on(proc.pid, self.ports[service]):
                        return
                except httpx.HTTPError:
                    pass
                if loop.time() > deadline:
                    raise TimeoutError(f"{service} not ready: {self.tail(service)}")
                await asyncio.sleep(0.1)

    async def create_api_key(self, tenant: str = "default") -> str:
        from shared.db.migrate import ensure_database, migrate
        from sumctl.keys import create_key

        dsn = self.env["SUM_DATABASE_URL"]
        await ensure_database(dsn)
        await migrate(dsn)
        conn = await asyncpg.connect(dsn)
        try:
            return (await create_key(conn, tenant, "tests")).secret
        finally:
            await conn.close()

    async def start_all(self, services: tuple[str, ...] = SERVICES) -> None:
        if not self.api_key:
            self.api_key = await self.create_api_key()
        for service in services:
            self.start(service)
        for service in services:
            await self.wait_ready(service)

    def kill(self, service: str) -> None:
        """SIGKILL: no shutdown code runs, like a crash or the OOM killer."""
        proc = self.procs.pop(service, None)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def running(self, service: str) -> bool:
        proc = self.procs.get(service)
        return proc is not None and proc.poll() is None

    def stop(self, service: str, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        proc = self.procs.pop(service, None)
        if proc is None or proc.poll() is not None:
            return proc.returncode if proc else 0
        proc.send_signal(sig)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def stop_all(self) -> None:
        for service in list(self.procs):
            self.stop(service)

    def tail(self, service: str, lines: int = 30) -> str:
        path = self.log_dir / f"{service}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )
