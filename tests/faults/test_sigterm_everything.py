"""Scenario 7: SIGTERM every service mid-flow, twice, and start them again.

A graceful stop finishes or hands back what is in flight within the shutdown timeout, so the
services exit 0 and the documents they held are redelivered at once rather than after ack_wait.
"""

import pytest

from tests.conftest import wait_for
from tests.faults.pipeline import Stopwatch, in_flight, upload_many, verdict
from tests.faults.rig import STAGES, rig

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]

WAVE = 160


async def test_sigterm_all_services_mid_flow(tmp_path) -> None:
    async with rig("sigterm-all", tmp_path) as r:
        total = Stopwatch()
        accepted: list[str] = []
        exit_codes: list[int] = []
        held_at_stop = 0
        for round_ in range(2):
            ids, sent = await upload_many(
                r.platform.url("gateway"),
                range(round_ * WAVE, (round_ + 1) * WAVE),
                api_key=r.platform.api_key,
            )
            accepted += ids
            r.figures.sent += sent

            async def flowing(done: int = len(accepted) - len(ids)) -> bool:
                value: int = await r.pool.fetchval(
                    "SELECT count(*) FROM documents WHERE status = 'processed'"
                )
                return value > done

            await wait_for(flowing, timeout=30, interval=0.02)
            held_at_stop += await in_flight(r.js, r.names, "ingest")
            held_at_stop += await in_flight(r.js, r.names, "processor")
            exit_codes += [r.platform.stop(service) for service in STAGES]
            await r.platform.start_all(STAGES)
        since_restart = Stopwatch()
        await verdict(r.figures, r.pool, r.js, r.names, accepted, since=since_restart)
        r.figures.total_seconds = total()
        r.figures.notes = {"exit_codes": exit_codes, "unacked_when_stopped": held_at_stop}
        r.figures.publish()
        assert exit_codes == [0] * len(exit_codes), exit_codes
        assert r.figures.processed == r.figures.accepted >= 300
