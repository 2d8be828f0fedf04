"""Gateway benchmarks: small-upload rate against a bare endpoint, large-upload MB/s and RSS growth.

    uv run python -m bench gateway_bench    (part of ``make bench``; needs NATS, PostgreSQL, Redis)

Both servers run as separate processes, one uvicorn worker each, with the same uvicorn settings,
under both glibc malloc settings (default, and MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_
raised: glibc otherwise maps fresh pages for every ~250 KiB body chunk). The load generator is a
minimal keep-alive HTTP/1.1 client on raw sockets so that the client is not the figure. Tracing
export is off (no monitor runs here). Prints one JSON object per scenario.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from tests.platform import free_port

BIN = Path(sys.executable).parent
MB = 1_000_000
MALLOC_TUNED = {"MALLOC_MMAP_THRESHOLD_": "16777216", "MALLOC_TRIM_THRESHOLD_": "67108864"}
SMALL_COUNT = int(os.environ.get("BENCH_SMALL_COUNT", "3000"))
CONCURRENCY = 16
TARGET_SHARE = 0.35  # of the bare endpoint's small-upload rate


class Http:
    """One keep-alive HTTP/1.1 connection; answers must carry Content-Length."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())

    async def __aenter__(self) -> Http:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.writer.close()

    async def post(
        self, path: str, content_type: str, body: bytes | Path, size: int | None = None
    ) -> tuple[int, bytes]:
        """Send ``body`` (bytes, or a file of ``size`` bytes streamed from disk)."""
        size = len(body) if isinstance(body, bytes) else size
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: bench\r\n{self.extra}Content-Type: {content_type}\r\n"
            f"Content-Length: {size}\r\n\r\n".encode()
        )
        if isinstance(body, Path):
            with body.open("rb") as source:
                while chunk := source.read(1 << 20):
                    self.writer.write(chunk)
                    await self.writer.drain()
        else:
            self.writer.write(body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        return int(head.split()[1]), await self.reader.readexactly(length)


class RssSampler:
    """Peak resident memory of a process, sampled every 5 ms from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> RssSampler:
        self.baseline = self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mib(self) -> float:
        return round((self.peak - self.baseline) / 2**20, 1)


class CpuMeter:
    """CPU time (user + system) spent by each party of a run, from /proc/<pid>/stat.

    Parties: the server under test, the load generator (this process) and the services on the
    machine (every process named nats-server, postgres or redis-server). A process that ends
    during the run loses its share; the servers' long-lived connections make that negligible.
    """

    SERVICES = {"nats-server": "nats", "postgres": "postgres", "redis-server": "redis"}
    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def _sample(self) -> dict[int, tuple[str, int]]:
        parties = {self.server_pid: "server", os.getpid(): "load_generator"}
        ticks: dict[int, tuple[str, int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            party = parties.get(pid) or self.SERVICES.get(name)
            if party:
                fields = stat[stat.rindex(")") + 2 :].split()
                ticks[pid] = (party, int(fields[11]) + int(fields[12]))  # utime + stime
        return ticks

    def __enter__(self) -> CpuMeter:
        self._before = self._sample()
        return self

    def __exit__(self, *exc: object) -> None:
        seconds: dict[str, float] = {}
        for pid, (party, ticks) in self._sample().items():
            used = ticks - self._before.get(pid, (party, 0))[1]
            seconds[party] = seconds.get(party, 0.0) + used / self.TICK
        self.seconds = seconds

    def per_upload_ms(self, uploads: int) -> dict[str, float]:
        figures = {k: round(v * 1000 / uploads, 3) for k, v in sorted(self.seconds.items())}
        figures["total"] = round(sum(self.seconds.values()) * 1000 / uploads, 3)
        return figures


async def small_uploads(
    port: int, headers: dict[str, str], path: str, server_pid: int | None = None
) -> dict[str, Any]:
    latencies: list[float] = []
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for _ in range(SMALL_COUNT):
        queue.put_nowait(secrets.token_hex(2048).encode())  # 4 KiB, unique: no dedup hits

    async def worker() -> None:
        async with Http(port, headers) as http:
            while not queue.empty():
                body = queue.get_nowait()
                started = time.perf_counter()
                status, answer = await http.post(path, "text/plain", body)
                latencies.append(time.perf_counter() - started)
                assert status in (200, 202), (status, answer[:300])

    with CpuMeter(server_pid or os.getpid()) as cpu:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "uploads_per_s": round(SMALL_COUNT / elapsed),
        "p50_ms": round(quantiles[49] * 1000, 2),
        "p99_ms": round(quantiles[98] * 1000, 2),
        "cpu_ms_per_upload": cpu.per_upload_ms(SMALL_COUNT),
        "cpu_busy_share": round(sum(cpu.seconds.values()) / (elapsed * (os.cpu_count() or 1)), 2),
    }


async def large_uploads(
    port: int,
    headers: dict[str, str],
    pid: int,
    files: list[tuple[Path, int]],
    content_type: str,
    suffix: str,
) -> dict[str, float]:
    async def one(path: Path, size: int) -> None:
        async with Http(port, headers) as http:
            status, answer = await http.post(
                f"/v1/documents?filename={path.stem}.{suffix}", content_type, path, size
            )
            assert status == 202, (status, answer[:300])

    total = sum(size for _, size in files)
    with RssSampler(pid) as memory:
        started = time.perf_counter()
        await asyncio.gather(*(one(path, size) for path, size in files))
        elapsed = time.perf_counter() - started
    return {"mb_per_s": round(total / MB / elapsed, 1), "rss_growth_mib": memory.growth_mib}


def big_csv(folder: Path, size: int) -> tuple[Path, int]:
    path = folder / "big.csv"
    block = b"".join(b"%d,item %d,%d.25,plain words here\n" % (n, n, n * 7) for n in range(20000))
    with path.open("wb") as out:
        out.write(b"id,name,value,note\n")
        while out.tell() < size:
            out.write(block)
        return path, out.tell()


def big_pdf(folder: Path, index: int, size: int) -> tuple[Path, int]:
    stream = os.urandom(size)
    head = (
        b"%%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Length %d >>\nstream\n"
        % (len(stream))
    )
    path = folder / f"paper{index}.pdf"
    content = head + stream + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    path.write_bytes(content)
    return path, len(content)


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{command[0]} did not start")


async def make_key(dsn: str) -> str:
    import asyncpg

    from shared.db.migrate import ensure_database, migrate
    from sumctl.keys import create_key

    await ensure_database(dsn)
    await migrate(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        return (await create_key(conn, f"bench{uuid.uuid4().hex[:8]}")).secret
    finally:
        await conn.close()


async def cleanup(dsn: str, namespace: str) -> None:
    import asyncpg
    import nats

    conn = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{dsn.rsplit("/", 1)[1]}" WITH (FORCE)')
    await conn.close()
    nc = await nats.connect(os.environ.get("SUM_NATS_URL", "nats://127.0.0.1:4222"))
    js = nc.jetstream()
    for info in await js.streams_info():
        if info.config.name in {f"{namespace.upper()}_DOCUMENTS", f"{namespace.upper()}_DLQ"}:
            await js.delete_stream(info.config.name)
        elif info.config.name == f"OBJ_{namespace}_uploads":
            await js.delete_stream(info.config.name)
    await nc.close()


async def run_config(
    malloc: str, folder: Path, csv: tuple[Path, int], pdfs: list[tuple[Path, int]]
) -> None:
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    dsn = f"postgresql://postgres@127.0.0.1:5432/sum_{namespace}"
    env = {**os.environ, **(MALLOC_TUNED if malloc == "tuned" else {}), "OTEL_SDK_DISABLED": "true"}
    key = await make_key(dsn)
    gateway_port, bare_port = free_port(), free_port()
    gateway = start(
        [str(BIN / "sum-gateway")],
        {
            **env,
            "SUM_NAMESPACE": namespace,
            "SUM_DATABASE_URL": dsn,
            "SUM_GATEWAY_PORT": str(gateway_port),
            "SUM_UPLOAD_LIMITS": "csv=250000000",
            "SUM_RATE_LIMIT_UPLOADS": "10000000/min",
            "SUM_LOG_LEVEL": "WARNING",
            "SUM_SPOOL_DIR": str(folder),
        },
        gateway_port,
    )
    bare = start([sys.executable, __file__, "--bare", str(bare_port)], env, bare_port)
    auth = {"Authorization": f"Bearer {key}"}
    try:
        await small_uploads(bare_port, {}, "/upload")  # warm-up of both
        await small_uploads(gateway_port, auth, "/v1/documents?filename=warm.txt")
        bare_figures = await small_uploads(bare_port, {}, "/upload", bare.pid)
        gateway_figures = await small_uploads(
            gateway_port, auth, "/v1/documents?filename=a.txt", gateway.pid
        )
        ratio = round(gateway_figures["uploads_per_s"] / bare_figures["uploads_per_s"], 3)
        report(
            "small uploads (4 KiB, 16 connections)",
            malloc,
            bare=bare_figures,
            gateway=gateway_figures,
            gateway_share_of_bare=ratio,
            gateway_cpu_budget_at_target_ms=cpu_budget_at_target(bare_figures, gateway_figures),
        )
        csv_figures = await large_uploads(gateway_port, auth, gateway.pid, [csv], "text/csv", "csv")
        report("one 200 MB CSV", malloc, gateway=csv_figures)
        pdf_figures = await large_uploads(
            gateway_port, auth, gateway.pid, pdfs, "application/pdf", "pdf"
        )
        report("8 concurrent 40 MB PDFs", malloc, gateway=pdf_figures)
    finally:
        for process in (gateway, bare):
            process.terminate()
            process.wait(30)
        await cleanup(dsn, namespace)


def cpu_budget_at_target(bare: dict[str, Any], gateway: dict[str, Any]) -> float:
    """CPU milliseconds per upload left for the gateway at TARGET_SHARE of the bare rate.

    All cores of the machine, minus what the other parties (NATS, PostgreSQL, Redis, the load
    generator) spent per upload in the gateway run, at the target rate. Compare it with the
    bare endpoint's own ``cpu_ms_per_upload.server``: below that, no gateway can reach the target
    on this machine.
    """
    target_rate = TARGET_SHARE * bare["uploads_per_s"]
    cpu = gateway["cpu_ms_per_upload"]
    others = cpu["total"] - cpu["server"]
    return round((os.cpu_count() or 1) * 1000 / target_rate - others, 3)


def report(scenario: str, malloc: str, **figures: object) -> None:
    print(json.dumps({"scenario": scenario, "malloc": malloc, **figures}), flush=True)


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sum-bench-") as tmp:
        folder = Path(tmp)
        csv = big_csv(folder, 200 * MB)
        pdfs = [big_pdf(folder, n, 40 * MB) for n in range(8)]
        for malloc in ("default", "tuned"):
            await run_config(malloc, folder, csv, pdfs)


def serve_bare(port: int) -> None:
    """The baseline: a Litestar endpoint that reads the body and discards it."""
    from litestar import Litestar, Request, post

    from shared.web.serve import make_server

    @post("/upload", status_code=202)
    async def upload(request: Request) -> dict[str, int]:  # type: ignore[type-arg]
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"size": size}

    app = Litestar([upload], logging_config=None, request_max_body_size=None)
    asyncio.run(make_server(app, "127.0.0.1", port).serve())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bare":
        serve_bare(int(sys.argv[2]))
    else:
        asyncio.run(main())
