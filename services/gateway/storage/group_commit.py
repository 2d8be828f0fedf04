"""Group commit for new document rows: uploads that reach their insert together share one
statement, one round trip and one commit (one WAL flush) instead of paying for each.

Each upload still learns its own outcome: inserted, a duplicate (``DuplicateDocument``), or the
error of the statement that carried it. A query error (bad data, a constraint) is never shared
out: that batch is retried row by row so that only the offending upload fails. How calls are
grouped (at once when alone, together when busy) is ``coalescing.Coalescer``'s business.
"""

from __future__ import annotations

import asyncpg
from prometheus_client import Histogram

from services.gateway.admission import DuplicateDocument, KnownDocument, NewDocument
from services.gateway.storage.coalescing import Coalescer
from services.gateway.storage.documents import PgDocuments
from shared.db.guarded import CONNECTION_ERRORS

BATCH_ROWS = Histogram(
    "sum_gateway_insert_batch_rows",
    "Document rows written per INSERT (group commit)",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)


class GroupCommitDocuments:
    """A ``DocumentStore`` whose inserts are grouped; every other call goes straight through."""

    def __init__(
        self, documents: PgDocuments, *, max_batch: int = 256, max_in_flight: int = 2
    ) -> None:
        self.documents = documents
        self._inserts: Coalescer[NewDocument, bool] = Coalescer(
            self._write, max_batch=max_batch, max_in_flight=max_in_flight
        )

    async def find_by_sha256(self, tenant: str, sha256: str) -> KnownDocument | None:
        return await self.documents.find_by_sha256(tenant, sha256)

    async def exists(self, tenant: str, document_id: str) -> bool:
        return await self.documents.exists(tenant, document_id)

    async def insert(self, doc: NewDocument) -> None:
        """Raises DuplicateDocument when the tenant already has a row with this sha256."""
        if not await self._inserts.submit(doc):
            raise DuplicateDocument(f"tenant {doc.tenant!r} already has these bytes")

    async def _write(self, batch: list[NewDocument]) -> list[bool | BaseException]:
        BATCH_ROWS.observe(len(batch))
        try:
            inserted = await self.documents.insert_many(batch)
        except asyncpg.PostgresError as exc:
            if len(batch) == 1 or isinstance(exc, CONNECTION_ERRORS):
                raise
            return await self._write_one_by_one(batch)
        return [doc.document_id in inserted for doc in batch]

    async def _write_one_by_one(self, batch: list[NewDocument]) -> list[bool | BaseException]:
        outcomes: list[bool | BaseException] = []
        for doc in batch:
            try:
                outcomes.extend(await self._write([doc]))
            except asyncpg.PostgresError as exc:
                if isinstance(exc, CONNECTION_ERRORS):
                    raise
                outcomes.append(exc)  # this upload's own error
        return outcomes
