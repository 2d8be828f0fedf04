"""Document retention: documents older than ``SUM_RETENTION_DAYS`` are deleted — the original in
the bucket, the row, and through ``ON DELETE CASCADE`` its text and memories. 0 keeps everything.

Runs periodically inside every ingest replica; a PostgreSQL advisory lock lets one replica sweep
at a time (the others skip that round). ``sumctl backup`` holds the same lock, so nothing it is
copying disappears under it. Per batch, the objects are deleted before the rows: if the process
dies in between, the rows stay and the next sweep finishes the job (a missing object is fine).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import msgspec
from nats.js.object_store import ObjectStore

from shared.messaging.objects import delete_object

log = logging.getLogger(__name__)

RETENTION_LOCK = 0x53554D52  # "SUMR"; migrations use 0x53554D


class RetentionSettings(msgspec.Struct, kw_only=True):
    retention_days: int = 0
    retention_interval: float = 3600.0  # seconds between sweeps
    retention_batch: int = 100


@dataclass(frozen=True)
class SweepResult:
    ran: bool  # False: another process holds the lock
    deleted: int = 0


async def sweep(
    pool: asyncpg.Pool,
    store: ObjectStore,
    days: int,
    *,
    batch: int = 100,
    stopping: asyncio.Event | None = None,
    now: datetime | None = None,
) -> SweepResult:
    """Delete every document created more than ``days`` days ago, ``batch`` at a time."""
    if days <= 0:
        return SweepResult(ran=True)
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    deleted = 0
    async with pool.acquire() as conn:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RETENTION_LOCK):
            return SweepResult(ran=False)
        try:
            while stopping is None or not stopping.is_set():
                async with conn.transaction():
                    rows = await conn.fetch(
                        """SELECT id, object_name FROM documents WHERE created_at < $1
                           ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
                        cutoff,
                        batch,
                    )
                    for row in rows:
                        await delete_object(store, row["object_name"])
                    await conn.execute(
                        "DELETE FROM documents WHERE id = ANY($1::uuid[])", [r["id"] for r in rows]
                    )
                deleted += len(rows)
                if len(rows) < batch:
                    break
        finally:
            try:
                await conn.execute("SELECT pg_advisory_unlock($1)", RETENTION_LOCK)
            except BaseException:
                # Pooled connections are not reset on release: one still holding the lock
                # must not go back to the pool.
                conn.terminate()
                raise
    return SweepResult(ran=True, deleted=deleted)


async def run_retention(
    pool: asyncpg.Pool, store: ObjectStore, settings: RetentionSettings, stopping: asyncio.Event
) -> None:
    """Sweep every ``retention_interval`` seconds until ``stopping`` is set."""
    while not stopping.is_set():
        try:
            days, batch = settings.retention_days, settings.retention_batch
            result = await sweep(pool, store, days, batch=batch, stopping=stopping)
            if result.deleted:
                log.info(
                    "retention deleted documents",
                    extra={"deleted": result.deleted, "older_than_days": settings.retention_days},
                )
        except Exception:
            # A failed sweep (database or NATS briefly down) is retried at the next interval.
            log.exception("retention sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), settings.retention_interval)


def start_retention(
    pool: asyncpg.Pool, store: ObjectStore, settings: RetentionSettings, stopping: asyncio.Event
) -> asyncio.Task[None] | None:
    """The periodic job as a task, or None when ``SUM_RETENTION_DAYS`` is 0 (keep forever)."""
    if settings.retention_days < 0 or settings.retention_interval <= 0:
        raise SystemExit("invalid settings: SUM_RETENTION_DAYS and _INTERVAL must not be negative")
    if settings.retention_days == 0:
        return None
    return asyncio.create_task(run_retention(pool, store, settings, stopping))
