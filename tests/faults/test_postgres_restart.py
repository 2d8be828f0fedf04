"""Scenario 3: PostgreSQL stops mid-flow and starts again; in-flight work waits, nothing fails."""

import asyncio

import httpx
import pytest

from tests.conftest import wait_for
from tests.faults.pipeline import Stopwatch, upload_many, verdict
from tests.faults.rig import rig
from tests.faults.servers import PostgresCluster

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]


async def readiness(url: str) -> dict:
    async with httpx.AsyncClient(timeout=5) as client:
        answer = await client.get(url + "/health/ready")
    body: dict = answer.json()
    return body


async def test_postgres_restart_mid_flow(tmp_path) -> None:
    cluster = PostgresCluster()
    cluster.init()
    cluster.start()
    try:
        async with rig("postgres-restart", tmp_path, pg_base=cluster.url) as r:
            total = Stopwatch()
            gateway = r.platform.url("gateway")
            accepted, sent = await upload_many(gateway, range(0, 250), api_key=r.platform.api_key)

            await wait_for(r.some_processed, timeout=30, interval=0.02)
            cluster.stop()
            outage = Stopwatch()

            async def stages_paused() -> bool:
                bodies = [await readiness(r.platform.url(s)) for s in ("ingest", "processor")]
                return all("consumer" in body.get("failing", []) for body in bodies)

            # Both stages notice, hold what they have in hand and stop fetching.
            await wait_for(stages_paused, timeout=20, interval=0.1)
            # The gateway cannot record uploads now: it must refuse them, not accept and lose.
            during, sent_during = await upload_many(
                gateway, range(250, 260), concurrency=10, api_key=r.platform.api_key
            )
            # Keep it down a while (a fault's duration, not a wait for a condition).
            await asyncio.sleep(max(0.0, 3.0 - outage()))
            cluster.start()
            down_for = outage()
            since_back = Stopwatch()
            later, sent_later = await upload_many(
                gateway, range(260, 360), api_key=r.platform.api_key
            )
            accepted += during + later
            r.figures.sent = sent + sent_during + sent_later
            await verdict(r.figures, r.pool, r.js, r.names, accepted, timeout=120, since=since_back)
            r.figures.total_seconds = total()
            r.figures.notes = {
                "postgres_down_seconds": round(down_for, 1),
                "accepted_while_down": len(during),
            }
            r.figures.publish()
            assert r.figures.processed >= 300 and not during
    finally:
        cluster.destroy()
