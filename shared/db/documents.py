"""Reads of the ``documents`` table that several services make."""

from __future__ import annotations

import asyncpg


async def document_status(pool: asyncpg.Pool, document_id: str) -> str | None:
    """The document's status, or None when there is no such document."""
    status: str | None = await pool.fetchval(
        "SELECT status FROM documents WHERE id = $1", document_id
    )
    return status
