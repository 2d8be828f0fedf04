"""Scenario 6: a three-node NATS cluster with R3 streams loses a node mid-flow and gets it back."""

import asyncio

import nats
import pytest

from shared.messaging.topology import submissions_stream_config
from tests.conftest import wait_for
from tests.faults.pipeline import Stopwatch, upload_many, verdict
from tests.faults.rig import rig
from tests.faults.servers import cleanup_dir, nats_cluster

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]


async def cluster_ready(url: str) -> None:
    """JetStream answers once the cluster has elected its meta leader."""
    nc = await nats.connect(url)
    try:

        async def answers() -> bool:
            try:
                await nc.jetstream().account_info()
                return True
            except Exception:
                return False

        await wait_for(answers, timeout=30, interval=0.2)
    finally:
        await nc.close()


async def test_r3_cluster_survives_losing_a_node(tmp_path) -> None:
    root = tmp_path / "cluster"
    servers = nats_cluster(root)
    for server in servers:
        server.start()
    urls = ",".join(s.url for s in servers)
    try:
        await cluster_ready(servers[0].url)
        async with rig("r3-node-loss", tmp_path, nats_url=urls, replicas=3) as r:
            for stream in (
                r.names.documents_stream,
                r.names.dlq_stream,
                f"OBJ_{r.names.uploads_bucket}",
                submissions_stream_config(r.names).name,
            ):  # declared with one copy by the rig, raised to SUM_NATS_REPLICAS by the services
                info = await r.js.stream_info(stream)
                assert info.config.num_replicas == 3, (stream, info.config.num_replicas)
            total = Stopwatch()
            gateway = r.platform.url("gateway")
            upload = asyncio.create_task(
                upload_many(gateway, range(0, 330), concurrency=8, api_key=r.platform.api_key)
            )

            await wait_for(r.some_processed, timeout=30, interval=0.02)
            # Kill the node that leads the documents stream: the hardest node to lose.
            leader = (await r.js.stream_info(r.names.documents_stream)).cluster.leader
            victim = next(s for s in servers if s.name == leader)
            victim.stop(9)
            outage = Stopwatch()
            accepted, sent = await upload
            await asyncio.sleep(max(0.0, 3.0 - outage()))  # the fault's duration
            victim.start()
            down_for = outage()
            since_back = Stopwatch()
            r.figures.sent = sent
            await verdict(r.figures, r.pool, r.js, r.names, accepted, since=since_back)
            r.figures.total_seconds = total()
            r.figures.notes = {
                "killed_node": leader,
                "node_down_seconds": round(down_for, 1),
                # Uploads answered with an error whose row was written anyway: the reconciler
                # published them, so they were processed although the client saw a failure.
                "processed_without_202": r.figures.processed - r.figures.accepted,
            }
            r.figures.publish()
            assert r.figures.processed >= r.figures.accepted and r.figures.processed >= 300
    finally:
        for server in servers:
            server.stop()
        cleanup_dir(root)
