"""Scenario 4: Redis is down for a while. Readiness says so; the pipeline does not depend on it."""

import asyncio

import pytest

from tests.conftest import wait_for
from tests.faults.pipeline import Stopwatch, upload_many, verdict
from tests.faults.readiness import readiness
from tests.faults.rig import rig
from tests.faults.servers import RedisServer

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]


async def test_redis_down_for_a_while(tmp_path) -> None:
    redis = RedisServer()
    redis.start()
    try:
        async with rig("redis-down", tmp_path, redis_url=redis.url) as r:
            total = Stopwatch()
            gateway = r.platform.url("gateway")
            upload = asyncio.create_task(
                upload_many(gateway, range(0, 320), concurrency=8, api_key=r.platform.api_key)
            )
            redis.stop()
            outage = Stopwatch()

            async def reported_down() -> bool:
                bodies = [await readiness(r.platform.url(s)) for s in ("gateway", "ingest")]
                return all(b["code"] == 503 and b["failing"] == ["redis"] for b in bodies)

            await wait_for(reported_down, timeout=20, interval=0.1)
            accepted, sent = await upload
            await asyncio.sleep(max(0.0, 4.0 - outage()))  # the fault's duration
            redis.start()
            down_for = outage()
            since_back = Stopwatch()

            async def reported_up() -> bool:
                return (await readiness(r.platform.url("ingest")))["code"] == 200

            await wait_for(reported_up, timeout=20, interval=0.1)
            r.figures.sent = sent
            await verdict(r.figures, r.pool, r.js, r.names, accepted, since=since_back)
            r.figures.total_seconds = total()
            r.figures.notes = {"redis_down_seconds": round(down_for, 1)}
            r.figures.publish()
            assert r.figures.processed == r.figures.accepted >= 300
    finally:
        redis.stop()
