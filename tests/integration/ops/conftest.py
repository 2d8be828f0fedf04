"""A whole platform on a database of its own: the backup test drops and restores it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from shared.db.migrate import ensure_database, migrate
from sumctl.keys import create_key
from tests.conftest import NATS_URL, PG_BASE, REDIS_URL, drop_database, drop_namespace, unique
from tests.platform import Platform

SUMCTL = Path(sys.executable).parent / "sumctl"


@dataclass
class Sumctl:
    """Runs the real ``sumctl`` executable with this test's environment."""

    env: dict[str, str]

    def __call__(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SUMCTL), *map(str, args)],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture
async def ops_env() -> AsyncIterator[dict[str, str]]:
    namespace = unique("ops")
    dsn = f"{PG_BASE}/sum_test_{namespace}"
    await ensure_database(dsn)
    await migrate(dsn)
    conn = await asyncpg.connect(dsn)
    try:
        api_key = (await create_key(conn, "default", "ops tests")).secret
    finally:
        await conn.close()
    try:
        yield {
            "SUM_API_KEY": api_key,
            "SUM_NATS_URL": NATS_URL,
            "SUM_DATABASE_URL": dsn,
            "SUM_REDIS_URL": REDIS_URL,
            "SUM_NAMESPACE": namespace,
            "SUM_AUTO_MIGRATE": "1",
            "SUM_CONFIG": os.devnull,  # never the developer's own ~/.config/sum/config.toml
            # No monitor runs here: without this, exporting spans to it delays every shutdown.
            "OTEL_SDK_DISABLED": "true",
        }
    finally:
        await drop_database(dsn)
        await drop_namespace(namespace)


@pytest.fixture
async def ops_platform(ops_env: dict[str, str], tmp_path: Path) -> AsyncIterator[Platform]:
    logs = tmp_path / "logs"
    logs.mkdir()
    running = Platform(env=dict(ops_env), log_dir=logs)
    try:
        for service in ("gateway", "ingest", "processor"):
            running.start(service)
        for service in ("gateway", "ingest", "processor"):
            await running.wait_ready(service)
        yield running
    finally:
        running.stop_all()


@pytest.fixture
def sumctl(ops_env: dict[str, str]) -> Sumctl:
    return Sumctl(dict(ops_env))
