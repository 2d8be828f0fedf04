"""The processor's PostgreSQL adapter."""

from __future__ import annotations

import asyncpg
import msgspec

from services.processor.ports import SourceText
from services.processor.summarization import Memories
from shared.db.documents import document_status

# Titles weigh most, then keywords, then summaries, then the body. The body is cut at a size
# that stays well inside PostgreSQL's 1 MB tsvector limit; summaries and keywords cover the rest.
INDEX_FOR_SEARCH = """
INSERT INTO document_search (document_id, tenant, kind, created_at, tsv)
SELECT d.id, d.tenant, d.kind, d.created_at,
       sum_field_vector(t.language, d.filename || ' ' || coalesce(t.title, ''), 'A')
    || sum_field_vector(t.language,
           (SELECT string_agg(k->>'term', ' ') FROM jsonb_array_elements(m.keywords) k), 'B')
    || sum_field_vector(t.language, m.summaries->>'long', 'C')
    || sum_field_vector(t.language, left(t.text, 200000), 'D')
FROM documents d
JOIN document_texts t ON t.document_id = d.id
JOIN memories m ON m.document_id = d.id
WHERE d.id = $1
ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv
"""


class PgMemoryStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def status_of(self, document_id: str) -> str | None:
        return await document_status(self.pool, document_id)

    async def source_of(self, document_id: str) -> SourceText | None:
        row = await self.pool.fetchrow(
            "SELECT text, language, structure FROM document_texts WHERE document_id = $1",
            document_id,
        )
        if row is None:
            return None
        sections = [(s["start"], s["end"]) for s in (row["structure"] or {}).get("sections", [])]
        return SourceText(text=row["text"], language=row["language"], sections=sections)

    async def memories_of(self, document_id: str) -> Memories | None:
        row = await self.pool.fetchrow(
            """SELECT summaries, keywords, key_sentences, method, language
               FROM memories WHERE document_id = $1""",
            document_id,
        )
        return msgspec.convert(dict(row), Memories) if row is not None else None

    async def save_memories(self, document_id: str, memories: Memories) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO memories
                       (document_id, summaries, keywords, key_sentences, method, language)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (document_id) DO UPDATE SET
                       summaries = EXCLUDED.summaries, keywords = EXCLUDED.keywords,
                       key_sentences = EXCLUDED.key_sentences, method = EXCLUDED.method,
                       language = EXCLUDED.language""",
                document_id,
                memories.summaries,
                msgspec.to_builtins(memories.keywords),
                msgspec.to_builtins(memories.key_sentences),
                memories.method,
                memories.language,
            )
            await conn.execute(INDEX_FOR_SEARCH, document_id)
            await conn.execute(
                """UPDATE documents SET status = 'processed', updated_at = now()
                   WHERE id = $1 AND status IN ('received', 'ingested')""",
                document_id,
            )
