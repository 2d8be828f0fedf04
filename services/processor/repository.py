"""The processor's PostgreSQL adapter."""

from __future__ import annotations

import asyncpg

from services.processor.summarize import Memories


class PgMemoryStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def status_of(self, document_id: str) -> str | None:
        status: str | None = await self.pool.fetchval(
            "SELECT status FROM documents WHERE id = $1", document_id
        )
        return status

    async def text_of(self, document_id: str) -> str | None:
        text: str | None = await self.pool.fetchval(
            "SELECT text FROM document_texts WHERE document_id = $1", document_id
        )
        return text

    async def memories_of(self, document_id: str) -> Memories | None:
        row = await self.pool.fetchrow(
            "SELECT summaries, keywords, method FROM memories WHERE document_id = $1",
            document_id,
        )
        if row is None:
            return None
        return Memories(summaries=row["summaries"], keywords=row["keywords"], method=row["method"])

    async def save_memories(self, document_id: str, memories: Memories) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO memories (document_id, summaries, keywords, method)
                   VALUES ($1, $2, $3, $4)
                   ON CONFLICT (document_id) DO UPDATE SET
                       summaries = EXCLUDED.summaries, keywords = EXCLUDED.keywords,
                       method = EXCLUDED.method""",
                document_id,
                memories.summaries,
                memories.keywords,
                memories.method,
            )
            await conn.execute(
                """UPDATE documents SET status = 'processed', updated_at = now()
                   WHERE id = $1 AND status IN ('received', 'ingested')""",
                document_id,
            )
