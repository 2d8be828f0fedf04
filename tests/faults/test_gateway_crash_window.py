"""The gateway dies between writing a document's row and publishing its event.

The client never got its 202, but the row exists; the reconciler must notice that no event will
ever move the document on, publish it, and the document must be processed exactly once.
"""

import asyncio

import httpx
import pytest

from tests.faults.pipeline import Stopwatch, document_text, upload_many, verdict
from tests.faults.rig import rig

pytestmark = [pytest.mark.heavy, pytest.mark.e2e]

CRASHES = 3


async def test_gateway_crash_after_insert_is_reconciled(tmp_path) -> None:
    async with rig("gateway-crash-window", tmp_path) as r:
        total = Stopwatch()
        stranded: set[str] = set()
        for n in range(CRASHES):
            r.platform.stop("gateway")
            r.platform.start("gateway", extra_env={"SUM_FAULT_CRASH_AFTER_INSERT": "1"})
            await r.platform.wait_ready("gateway")
            before = {
                str(i) for i in await r.pool.fetchval("SELECT array_agg(id) FROM documents") or []
            }
            async with httpx.AsyncClient(
                base_url=r.platform.url("gateway"), headers=r.platform.auth
            ) as client:
                with pytest.raises(httpx.HTTPError):
                    files = {"file": (f"crash{n}.txt", document_text(1000 + n), "text/plain")}
                    await client.post("/v1/documents", files=files)
            proc = r.platform.procs["gateway"]
            await asyncio.to_thread(proc.wait, 10)
            assert proc.returncode == 70
            after = {str(i) for i in await r.pool.fetchval("SELECT array_agg(id) FROM documents")}
            stranded |= after - before
        assert len(stranded) == CRASHES
        r.platform.start("gateway")
        await r.platform.wait_ready("gateway")
        since_restart = Stopwatch()
        accepted, sent = await upload_many(
            r.platform.url("gateway"), range(300), api_key=r.platform.api_key
        )
        r.figures.sent = sent + CRASHES
        final = await verdict(
            r.figures, r.pool, r.js, r.names, accepted + sorted(stranded), since=since_restart
        )
        assert all(final[i] == "processed" for i in stranded)
        r.figures.total_seconds = total()
        r.figures.notes = {"crashed_after_insert": CRASHES, "reconciled": len(stranded)}
        r.figures.publish()
