"""Scenario 2: the NATS server dies mid-flow and comes back on the same port and store."""

import signal

import httpx
import pytest

from tests.conftest import wait_for
from tests.faults.pipeline import Stopwatch, upload_many, verdict
from tests.faults.rig import rig
from tests.faults.servers import NatsServer, cleanup_dir

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]


async def ready_status(url: str) -> int:
    async with httpx.AsyncClient(timeout=5) as client:
        return (await client.get(url + "/health/ready")).status_code


async def test_nats_restart_mid_flow(tmp_path) -> None:
    store = tmp_path / "nats"
    store.mkdir()
    server = NatsServer(store)
    server.start()
    try:
        async with rig("nats-restart", tmp_path, nats_url=server.url) as r:
            total = Stopwatch()
            gateway = r.platform.url("gateway")
            accepted, sent = await upload_many(gateway, range(0, 200), api_key=r.platform.api_key)

            await wait_for(r.some_processed, timeout=30, interval=0.02)
            server.stop(signal.SIGKILL)
            outage = Stopwatch()

            async def not_ready() -> bool:
                return await ready_status(r.platform.url("ingest")) == 503

            await wait_for(not_ready, timeout=20, interval=0.1)
            # Uploads while NATS is down are refused or time out; none may be lost if accepted.
            during, sent_during = await upload_many(
                gateway, range(200, 210), concurrency=10, api_key=r.platform.api_key
            )
            server.start()
            down_for = outage()
            since_back = Stopwatch()
            later, sent_later = await upload_many(
                gateway, range(210, 340), api_key=r.platform.api_key
            )
            accepted += during + later
            r.figures.sent = sent + sent_during + sent_later

            async def ready_again() -> bool:
                return all(
                    [await ready_status(r.platform.url(s)) == 200 for s in ("ingest", "processor")]
                )

            await wait_for(ready_again, timeout=30, interval=0.2)
            await verdict(r.figures, r.pool, r.js, r.names, accepted, timeout=120, since=since_back)
            r.figures.total_seconds = total()
            r.figures.notes = {
                "nats_down_seconds": round(down_for, 1),
                "accepted_while_down": len(during),
            }
            r.figures.publish()
            assert r.figures.processed >= 300
    finally:
        server.stop()
        cleanup_dir(store)
