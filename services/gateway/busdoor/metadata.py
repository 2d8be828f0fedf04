"""Keeps the metadata of documents submitted over NATS (table ``document_metadata``)."""

from __future__ import annotations

import asyncpg
import msgspec


class PgMetadata:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def remember(self, document_id: str, metadata: dict[str, str]) -> None:
        # A duplicate submission keeps the first submission's metadata.
        await self.pool.execute(
            """INSERT INTO document_metadata (document_id, metadata) VALUES ($1, $2::jsonb)
               ON CONFLICT (document_id) DO NOTHING""",
            document_id,
            msgspec.json.encode(metadata).decode(),
        )

    async def recall(self, document_id: str) -> dict[str, str] | None:
        raw = await self.pool.fetchval(
            "SELECT metadata::text FROM document_metadata WHERE document_id = $1", document_id
        )
        return None if raw is None else msgspec.json.decode(raw, type=dict[str, str])
