"""Retention deletes old documents whole (object, row, text, memories) and keeps the rest; one
process sweeps at a time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import nats
import pytest
from nats.js.object_store import ObjectStore

from shared.events.catalog import Names
from shared.messaging.topology import ensure_bucket
from shared.retention import RETENTION_LOCK, RetentionSettings, run_retention, sweep
from tests.conftest import NATS_URL, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
async def bucket(namespace: str) -> AsyncIterator[ObjectStore]:
    nc = await nats.connect(NATS_URL)
    try:
        yield await ensure_bucket(nc.jetstream(), Names(namespace))
    finally:
        await nc.close()


async def add_document(pool: asyncpg.Pool, store: ObjectStore, age_days: float) -> str:
    document_id = str(uuid.uuid4())
    name = f"retention/{document_id}"
    await store.put(name, b"original bytes")
    created = datetime.now(UTC) - timedelta(days=age_days)
    await pool.execute(
        """INSERT INTO documents (id, tenant, filename, content_type, kind, size_bytes, sha256,
                                  object_name, status, created_at)
           VALUES ($1, 'retention', 'a.txt', 'text/plain', 'txt', 14, $4, $2, 'processed', $3)""",
        document_id,
        name,
        created,
        document_id.replace("-", ""),  # a digest unique per document, as real ones are
    )
    await pool.execute(
        """INSERT INTO document_texts (document_id, text, char_count, word_count)
           VALUES ($1, 'original bytes', 14, 2)""",
        document_id,
    )
    await pool.execute(
        "INSERT INTO memories (document_id, summaries, keywords, method) VALUES ($1, $2, $3, 'x')",
        document_id,
        {"short": "s"},
        [],
    )
    return document_id


async def remaining(pool: asyncpg.Pool, store: ObjectStore, ids: list[str]) -> dict[str, bool]:
    """Per document: is anything of it (row, text, memories, object) still there?"""
    found = {}
    for document_id in ids:
        rows = await pool.fetchval(
            """SELECT (SELECT count(*) FROM documents WHERE id = $1)
                    + (SELECT count(*) FROM document_texts WHERE document_id = $1)
                    + (SELECT count(*) FROM memories WHERE document_id = $1)""",
            document_id,
        )
        try:
            await store.get_info(f"retention/{document_id}")
            has_object = True
        except Exception:
            has_object = False
        assert rows in (0, 3) and (rows == 3) == has_object, "a document was deleted by halves"
        found[document_id] = has_object
    return found


async def test_sweep_deletes_only_expired_documents_whole(pool, bucket) -> None:
    old = [await add_document(pool, bucket, age_days=40) for _ in range(5)]
    young = await add_document(pool, bucket, age_days=5)

    assert (await sweep(pool, bucket, 0)).deleted == 0, "0 days keeps everything"
    result = await sweep(pool, bucket, 30, batch=2)  # several batches

    assert result.ran and result.deleted == 5
    state = await remaining(pool, bucket, [*old, young])
    assert state == {**dict.fromkeys(old, False), young: True}


async def test_a_held_lock_makes_other_sweepers_skip(pool, bucket, database_url) -> None:
    old = await add_document(pool, bucket, age_days=40)
    holder = await asyncpg.connect(database_url)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", RETENTION_LOCK)
        assert not (await sweep(pool, bucket, 30)).ran
        assert (await remaining(pool, bucket, [old]))[old]
    finally:
        await holder.close()
    assert (await sweep(pool, bucket, 30)).deleted == 1


async def test_periodic_job_sweeps_and_stops(pool, bucket) -> None:
    old = await add_document(pool, bucket, age_days=10)
    stopping = asyncio.Event()
    settings = RetentionSettings(retention_days=7, retention_interval=0.05)
    job = asyncio.create_task(run_retention(pool, bucket, settings, stopping))

    async def row_gone() -> bool:
        # Only the row: while a sweep is in its transaction the object may already be gone and
        # the row not yet, so the whole-document check waits until the job has stopped.
        return await pool.fetchval("SELECT count(*) FROM documents WHERE id = $1", old) == 0

    await wait_for(row_gone, timeout=10)
    stopping.set()
    await asyncio.wait_for(job, 5)
    assert not (await remaining(pool, bucket, [old]))[old]
