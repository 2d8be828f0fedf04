"""Keeps the metadata of documents submitted over NATS (table ``document_metadata``)."""

from __future__ import annotations

from typing import Any

import asyncpg

from shared.db.guarded import GuardedPool


class PgMetadata:
    def __init__(self, pool: asyncpg.Pool | GuardedPool) -> None:
        self.pool = pool

    async def remember(self, document_id: str, metadata: dict[str, str]) -> None:
        # A duplicate submission keeps the first submission's metadata.
        await self.pool.execute(
            """INSERT INTO document_metadata (document_id, metadata)
               SELECT id, $2 FROM documents WHERE id = $1
               ON CONFLICT (document_id) DO NOTHING""",
            document_id,
            metadata,  # the pool's jsonb codec encodes it
        )

    async def recall(self, document_id: str) -> dict[str, str] | None:
        stored: Any = await self.pool.fetchval(
            "SELECT metadata FROM document_metadata WHERE document_id = $1", document_id
        )
        return None if stored is None else {str(k): str(v) for k, v in stored.items()}
