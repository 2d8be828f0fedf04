"""Ingest's PostgreSQL and object-store adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import msgspec
from nats.js.object_store import ObjectStore

from services.ingest.extraction import ExtractedText
from shared.db.documents import document_status
from shared.messaging.objects import object_as_file


class PgTextStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def status_of(self, document_id: str) -> str | None:
        return await document_status(self.pool, document_id)

    async def save_text(self, document_id: str, text: ExtractedText) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """INSERT INTO document_texts
                       (document_id, text, title, language, char_count, word_count, structure)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)
                   ON CONFLICT (document_id) DO UPDATE SET
                       text = EXCLUDED.text, title = EXCLUDED.title,
                       language = EXCLUDED.language, char_count = EXCLUDED.char_count,
                       word_count = EXCLUDED.word_count, structure = EXCLUDED.structure""",
                document_id,
                text.text,
                text.title,
                text.language,
                text.char_count,
                text.word_count,
                structure_of(text),
            )
            await conn.execute(
                """UPDATE documents SET status = 'ingested', updated_at = now()
                   WHERE id = $1 AND status = 'received'""",
                document_id,
            )


class BucketOriginals:
    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    @asynccontextmanager
    async def as_file(self, object_name: str) -> AsyncIterator[Path]:
        async with object_as_file(self.store, object_name) as path:
            yield path


def structure_of(text: ExtractedText) -> dict[str, object]:
    """Sections and pages as offsets into the stored text, plus what extraction noted."""
    return {
        "sections": msgspec.to_builtins(text.sections),
        "pages": msgspec.to_builtins(text.pages),
        "truncated": text.truncated,
        "notes": text.notes,
    }
