"""Scenario 1: SIGKILL ingest and the processor again and again while documents flow."""

import pytest

from tests.conftest import wait_for
from tests.faults.pipeline import Stopwatch, in_flight, upload_many, verdict
from tests.faults.rig import rig

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]

ROUNDS = 6
WAVE = 50


async def test_sigkill_of_ingest_and_processor_loses_and_doubles_nothing(tmp_path) -> None:
    async with rig("sigkill-stages", tmp_path) as r:
        total = Stopwatch()
        accepted: list[str] = []
        stranded = {"ingest": 0, "processor": 0}

        async def count(statuses: tuple[str, ...]) -> int:
            value: int = await r.pool.fetchval(
                "SELECT count(*) FROM documents WHERE status = ANY($1)", list(statuses)
            )
            return value

        for round_ in range(ROUNDS):
            ids, sent = await upload_many(
                r.platform.url("gateway"),
                range(round_ * WAVE, (round_ + 1) * WAVE),
                api_key=r.platform.api_key,
            )
            accepted += ids
            r.figures.sent += sent
            # Kill each stage while it has work in hand: once it has made some progress on
            # this wave, but before the wave is through.
            ingested_before = await count(("ingested", "processed"))

            async def ingest_busy(before: int = ingested_before) -> bool:
                return await count(("ingested", "processed")) > before

            await wait_for(ingest_busy, timeout=30, interval=0.02)
            stranded["ingest"] += await in_flight(r.js, r.names, "ingest")
            r.platform.kill("ingest")
            r.platform.start("ingest")
            processed_before = await count(("processed",))

            async def processor_busy(before: int = processed_before) -> bool:
                return await count(("processed",)) > before

            await wait_for(processor_busy, timeout=30, interval=0.02)
            stranded["processor"] += await in_flight(r.js, r.names, "processor")
            r.platform.kill("processor")
            r.platform.start("processor")
        since_last_kill = Stopwatch()

        await verdict(
            r.figures, r.pool, r.js, r.names, accepted, timeout=120, since=since_last_kill
        )
        r.figures.total_seconds = total()
        r.figures.notes = {
            "sigkills": {"ingest": ROUNDS, "processor": ROUNDS},
            "unacked_when_killed": stranded,
        }
        r.figures.publish()
        assert r.figures.processed == r.figures.accepted >= 300
