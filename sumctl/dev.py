"""``sumctl dev``: run the whole platform locally under one supervisor, logs interleaved.

Each service's output is prefixed with its name; Ctrl-C (or SIGTERM) stops them all in order.
A service that dies is reported and the others are stopped, so failures are never silent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import urllib.request
from pathlib import Path

import asyncpg

from shared.config import CommonSettings, load_settings
from shared.db.migrate import ensure_database, migrate
from sumctl.keys import create_key

SERVICES = ("monitor", "gateway", "ingest", "processor")
COLOURS = {"gateway": 36, "ingest": 33, "processor": 35, "monitor": 32}


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("dev", help="run all four services locally in the foreground")
    cmd.add_argument("--raw", action="store_true", help="print JSON log lines unformatted")
    cmd.set_defaults(run=run)


def _readable(line: str, raw: bool) -> str:
    if raw:
        return line
    try:
        record = json.loads(line)
    except ValueError:
        return line
    extras = {
        k: v
        for k, v in record.items()
        if k not in ("time", "level", "service", "logger", "message", "trace_id", "span_id")
    }
    tail = " " + " ".join(f"{k}={v}" for k, v in extras.items()) if extras else ""
    return (
        f"{record.get('time', '')[11:23]} {record.get('level', ''):7} {record.get('message')}{tail}"
    )


async def _pump(name: str, stream: asyncio.StreamReader, raw: bool) -> None:
    colour = COLOURS[name] if sys.stdout.isatty() else 0
    label = f"\x1b[{colour}m{name:>9}\x1b[0m" if colour else f"{name:>9}"
    while line := await stream.readline():
        print(f"{label} | {_readable(line.decode(errors='replace').rstrip(), raw)}", flush=True)


def _gateway_url() -> str:
    host = os.environ.get("SUM_HOST", "127.0.0.1")
    return (
        os.environ.get("SUM_PUBLIC_URL")
        or f"http://{host}:{os.environ.get('SUM_GATEWAY_PORT', '5001')}"
    )


DEV_TENANT = "dev"
DEV_KEY_NAME = "make-run"


async def _development_key() -> str:
    """A fresh key of the ``dev`` tenant; the previous run's key is revoked (only one lives)."""
    settings = load_settings(CommonSettings)
    await ensure_database(settings.dsn())
    await migrate(settings.dsn())
    conn = await asyncpg.connect(settings.dsn())
    try:
        await conn.execute(
            "UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND name = $2"
            " AND revoked_at IS NULL",
            DEV_TENANT,
            DEV_KEY_NAME,
        )
        return (await create_key(conn, DEV_TENANT, DEV_KEY_NAME)).secret
    finally:
        await conn.close()


async def _announce_when_ready(api_key: str, timeout: float = 60.0) -> None:
    url = _gateway_url()

    def ready() -> bool:
        try:
            with urllib.request.urlopen(url + "/health/ready", timeout=1) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    deadline = asyncio.get_running_loop().time() + timeout
    while not await asyncio.to_thread(ready):
        if asyncio.get_running_loop().time() > deadline:
            print("sumctl: the gateway is not ready yet; see its log lines above", flush=True)
            return
        await asyncio.sleep(0.25)
    auth = f'-H "Authorization: Bearer {api_key}"'
    print(
        f"\n  SUM is up: gateway {url}  (API docs {url}/schema)\n"
        f"  Development API key (tenant {DEV_TENANT!r}, replaced on the next run):\n"
        f"    {api_key}\n"
        f"  Try:  curl {auth} -F file=@README.md {url}/v1/documents\n"
        f"  then: curl {auth} {url}/v1/documents/<id from the answer>\n"
        "  Ctrl-C stops everything.\n",
        flush=True,
    )


async def _supervise(raw: bool) -> int:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    api_key = await _development_key()
    bindir = Path(sys.executable).parent
    procs: dict[str, asyncio.subprocess.Process] = {}
    pumps = []
    for name in SERVICES:
        proc = await asyncio.create_subprocess_exec(
            str(bindir / f"sum-{name}"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=os.environ.copy(),
            start_new_session=True,  # Ctrl-C reaches only us; we stop the children in order
        )
        procs[name] = proc
        assert proc.stdout is not None
        pumps.append(asyncio.create_task(_pump(name, proc.stdout, raw)))
    banner = asyncio.create_task(_announce_when_ready(api_key))
    exits = {asyncio.create_task(p.wait()): n for n, p in procs.items()}
    stop = asyncio.create_task(stopping.wait())
    done, _ = await asyncio.wait({stop, *exits}, return_when=asyncio.FIRST_COMPLETED)
    status = 0
    for task in done:
        if task in exits:
            print(
                f"sumctl: {exits[task]} exited with {task.result()}; stopping the rest", flush=True
            )
            status = 1
    # The pipeline first, the monitor last: it receives the others' final telemetry.
    for group in ([n for n in SERVICES if n != "monitor"], ["monitor"]):
        for name in group:
            if procs[name].returncode is None:
                procs[name].send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(procs[n].wait() for n in group)), 30)
        except TimeoutError:
            for name in group:
                if procs[name].returncode is None:
                    procs[name].kill()
    banner.cancel()
    await asyncio.gather(*pumps, return_exceptions=True)
    print("sumctl: all services stopped", flush=True)
    return status


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_supervise(args.raw))
