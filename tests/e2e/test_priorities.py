"""A high-priority document overtakes a queued backlog of low-priority ones, end to end."""

import asyncio
import signal

import asyncpg
import httpx
import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

LOW_DOCUMENTS = 300


async def test_high_priority_overtakes_a_backlog_of_low_priority(
    service_env: dict[str, str], tmp_path, database_url: str
) -> None:
    from tests.platform import Platform

    platform = Platform(
        # No monitor runs here to receive spans: without one, exporters retry for 10 s at exit.
        env={**service_env, "SUM_RATE_LIMIT_UPLOADS": "100000/min", "OTEL_SDK_DISABLED": "true"},
        log_dir=tmp_path,
    )
    platform.api_key = await platform.create_api_key()
    try:
        platform.start("gateway")
        await platform.wait_ready("gateway")
        async with httpx.AsyncClient(
            base_url=platform.url("gateway"), headers=platform.auth, timeout=30
        ) as client:
            slots = asyncio.Semaphore(8)

            async def upload(name: str, body: bytes, priority: str) -> str:
                async with slots:
                    answer = await client.post(
                        "/v1/documents",
                        params={"priority": priority},
                        files={"file": (name, body, "text/plain")},
                    )
                assert answer.status_code == 202, answer.text
                return str(answer.json()["id"])

            low_ids = await asyncio.gather(
                *(
                    upload(f"low-{n}.txt", b"Low priority report number %d. Routine." % n, "low")
                    for n in range(LOW_DOCUMENTS)
                )
            )
            urgent = await upload("urgent.txt", b"The urgent report. Read it first.", "high")

        for service in ("ingest", "processor"):
            platform.start(service)

        conn = await asyncpg.connect(database_url)
        try:

            async def urgent_processed_at():
                return await conn.fetchval(
                    "SELECT updated_at FROM documents WHERE id = $1 AND status = 'processed'",
                    urgent,
                )

            done_at = await wait_for(urgent_processed_at, timeout=120, interval=0.1)
            overtaken = await conn.fetchval(
                """SELECT count(*) FROM documents
                   WHERE id = ANY($2::uuid[]) AND (status <> 'processed' OR updated_at > $1)""",
                done_at,
                low_ids,
            )
        finally:
            await conn.close()
    finally:
        # The backlog's remaining work is of no interest: stop the workers without draining it.
        for service in ("ingest", "processor"):
            platform.stop(service, sig=signal.SIGKILL)
        platform.stop_all()
    assert overtaken >= 250, f"the high document overtook only {overtaken} low ones"
