"""The gateway's PostgreSQL adapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class NewDocument:
    id: str
    tenant: str
    filename: str
    content_type: str
    kind: str
    size: int
    sha256: str
    object_name: str
    priority: str
    trace_id: str | None


class PgDocuments:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def insert(self, doc: NewDocument) -> None:
        await self.pool.execute(
            """INSERT INTO documents (id, tenant, filename, content_type, kind, size_bytes,
                                      sha256, object_name, priority, trace_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
            doc.id,
            doc.tenant,
            doc.filename,
            doc.content_type,
            doc.kind,
            doc.size,
            doc.sha256,
            doc.object_name,
            doc.priority,
            doc.trace_id,
        )

    async def get(self, tenant: str, document_id: str) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(
            """SELECT d.*, m.summaries, m.keywords, m.method AS summary_method
               FROM documents d LEFT JOIN memories m ON m.document_id = d.id
               WHERE d.id = $1 AND d.tenant = $2""",
            document_id,
            tenant,
        )
        return dict(row) if row is not None else None
