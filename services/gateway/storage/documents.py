"""The gateway's PostgreSQL adapter for documents: per-tenant writes, reads, listing, deletion.

Every query names the tenant: a document of another tenant is indistinguishable from a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from services.gateway.admission import DuplicateDocument, KnownDocument, NewDocument
from shared.db.guarded import GuardedPool


def _columns(doc: NewDocument) -> tuple[Any, ...]:
    return (
        doc.document_id,
        doc.tenant,
        doc.filename,
        doc.content_type,
        doc.kind,
        doc.size,
        doc.sha256,
        doc.object_name,
        doc.priority,
        doc.trace_id,
        doc.scan_status,
        doc.detected_mime,
    )


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    id: str


class PgDocuments:
    def __init__(self, pool: asyncpg.Pool | GuardedPool) -> None:
        self.pool = pool

    async def insert(self, doc: NewDocument) -> None:
        """Insert the row; DuplicateDocument when the tenant already has these bytes."""
        if doc.document_id not in await self.insert_many([doc]):
            raise DuplicateDocument(f"tenant {doc.tenant!r} already has these bytes")

    async def insert_many(self, docs: Sequence[NewDocument]) -> set[str]:
        """Insert rows in one statement (one commit); returns the ids that went in.

        A row left out is a duplicate: its tenant already has (or this batch already holds)
        a document with the same sha256.
        """
        rows = await self.pool.fetch(
            """INSERT INTO documents (id, tenant, filename, content_type, kind, size_bytes,
                                      sha256, object_name, priority, trace_id, scan_status,
                                      detected_mime)
               SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                                    $6::bigint[], $7::text[], $8::text[], $9::text[],
                                    $10::text[], $11::text[], $12::text[])
               ON CONFLICT (tenant, sha256) DO NOTHING
               RETURNING id""",
            *(list(column) for column in zip(*(_columns(doc) for doc in docs), strict=True)),
        )
        return {str(row["id"]) for row in rows}

    async def find_by_sha256(self, tenant: str, sha256: str) -> KnownDocument | None:
        row = await self.pool.fetchrow(
            """SELECT id, status, size_bytes, sha256, kind, filename, content_type, priority,
                      scan_status
               FROM documents WHERE tenant = $1 AND sha256 = $2""",
            tenant,
            sha256,
        )
        if row is None:
            return None
        return KnownDocument(
            document_id=str(row["id"]),
            tenant=tenant,
            status=row["status"],
            size=row["size_bytes"],
            sha256=row["sha256"],
            kind=row["kind"],
            filename=row["filename"],
            content_type=row["content_type"],
            priority=row["priority"],
            scan_status=row["scan_status"],
        )

    async def exists(self, tenant: str, document_id: str) -> bool:
        found = await self.pool.fetchval(
            "SELECT 1 FROM documents WHERE id = $1 AND tenant = $2", document_id, tenant
        )
        return found is not None

    async def get(self, tenant: str, document_id: str) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(
            """SELECT d.*, m.summaries, m.keywords, m.method AS summary_method,
                      (t.document_id IS NOT NULL) AS has_text
               FROM documents d
               LEFT JOIN memories m ON m.document_id = d.id
               LEFT JOIN document_texts t ON t.document_id = d.id
               WHERE d.id = $1 AND d.tenant = $2""",
            document_id,
            tenant,
        )
        return dict(row) if row is not None else None

    async def status(self, tenant: str, document_id: str) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(
            """SELECT status, failure_reason, failed_stage, updated_at
               FROM documents WHERE id = $1 AND tenant = $2""",
            document_id,
            tenant,
        )
        return dict(row) if row is not None else None

    async def text(self, tenant: str, document_id: str) -> dict[str, Any] | None:
        """The document's row joined with its text; ``text`` is None while not extracted yet."""
        row = await self.pool.fetchrow(
            """SELECT d.status, t.text, t.title, t.language, t.char_count, t.word_count
               FROM documents d LEFT JOIN document_texts t ON t.document_id = d.id
               WHERE d.id = $1 AND d.tenant = $2""",
            document_id,
            tenant,
        )
        return dict(row) if row is not None else None

    async def page(
        self, tenant: str, *, status: str | None, after: Cursor | None, limit: int
    ) -> list[dict[str, Any]]:
        """Newest first; keyset pagination on (created_at, id) so pages never shift."""
        return [
            dict(row)
            for row in await self.pool.fetch(
                """SELECT d.*, NULL::jsonb AS summaries, NULL::jsonb AS keywords
                   FROM documents d
                   WHERE d.tenant = $1
                     AND ($2::text IS NULL OR d.status = $2)
                     AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
                   ORDER BY d.created_at DESC, d.id DESC
                   LIMIT $5""",
                tenant,
                status,
                after.created_at if after else None,
                after.id if after else None,
                limit,
            )
        ]

    async def delete(self, tenant: str, document_id: str) -> str | None:
        """Delete the row (texts and memories cascade); returns its object name, None if absent."""
        object_name: str | None = await self.pool.fetchval(
            "DELETE FROM documents WHERE id = $1 AND tenant = $2 RETURNING object_name",
            document_id,
            tenant,
        )
        return object_name
