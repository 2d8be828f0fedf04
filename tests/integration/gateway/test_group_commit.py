"""Group commit against the real PostgreSQL: concurrent inserts share statements, yet each upload
gets its own outcome (inserted, duplicate, or its own error) and no row is lost to a cancel."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest

from services.gateway.admission import DuplicateDocument, NewDocument
from services.gateway.storage.documents import PgDocuments
from services.gateway.storage.group_commit import GroupCommitDocuments
from shared.db.pool import create_pool
from tests.conftest import unique, wait_for

pytestmark = pytest.mark.integration


class CountingDocuments(PgDocuments):
    """The real table, remembering how many rows each statement carried."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool)
        self.statements: list[int] = []

    async def insert_many(self, docs: Sequence[NewDocument]) -> set[str]:
        self.statements.append(len(docs))
        return await super().insert_many(docs)


def row(tenant: str, content: str, priority: str = "normal") -> NewDocument:
    document_id = str(uuid.uuid4())
    return NewDocument(
        document_id=document_id,
        tenant=tenant,
        filename="a.txt",
        content_type="text/plain",
        kind="txt",
        size=len(content),
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        object_name=f"{tenant}/{document_id}",
        priority=priority,
        trace_id=None,
    )


@pytest.fixture
async def tenant_pool(database_url: str) -> AsyncIterator[tuple[str, asyncpg.Pool]]:
    pool = await create_pool(database_url, max_size=4)
    tenant = unique("gc")
    yield tenant, pool
    await pool.execute("DELETE FROM documents WHERE tenant = $1", tenant)
    await pool.close()


async def stored(pool: asyncpg.Pool, tenant: str) -> set[str]:
    rows = await pool.fetch("SELECT id FROM documents WHERE tenant = $1", tenant)
    return {str(r["id"]) for r in rows}


async def test_concurrent_inserts_share_statements(tenant_pool: tuple[str, asyncpg.Pool]) -> None:
    tenant, pool = tenant_pool
    table = CountingDocuments(pool)
    documents = GroupCommitDocuments(table, max_in_flight=1)
    rows = [row(tenant, f"document {n}") for n in range(60)]

    await asyncio.gather(*(documents.insert(r) for r in rows))

    assert await stored(pool, tenant) == {r.document_id for r in rows}
    assert sum(table.statements) == 60
    assert table.statements[0] == 1, "the first row does not wait for company"
    assert len(table.statements) < 10, table.statements


async def test_a_lone_insert_is_written_at_once(tenant_pool: tuple[str, asyncpg.Pool]) -> None:
    tenant, pool = tenant_pool
    table = CountingDocuments(pool)
    documents = GroupCommitDocuments(table)
    for n in range(3):
        await documents.insert(row(tenant, f"alone {n}"))
    assert table.statements == [1, 1, 1]


async def test_each_upload_learns_whether_it_was_a_duplicate(
    tenant_pool: tuple[str, asyncpg.Pool],
) -> None:
    tenant, pool = tenant_pool
    documents = GroupCommitDocuments(CountingDocuments(pool), max_in_flight=1)
    await documents.insert(row(tenant, "already here"))
    racing = [row(tenant, "same bytes") for _ in range(8)]
    others = [row(tenant, f"other {n}") for n in range(8)]
    repeat = row(tenant, "already here")

    outcomes = await asyncio.gather(
        *(documents.insert(r) for r in [*racing, *others, repeat]), return_exceptions=True
    )

    racing_outcomes = outcomes[:8]
    assert sum(o is None for o in racing_outcomes) == 1, racing_outcomes
    assert sum(isinstance(o, DuplicateDocument) for o in racing_outcomes) == 7
    assert outcomes[8:16] == [None] * 8
    assert isinstance(outcomes[16], DuplicateDocument)
    assert len(await stored(pool, tenant)) == 1 + 1 + 8


async def test_a_bad_row_fails_alone(tenant_pool: tuple[str, asyncpg.Pool]) -> None:
    tenant, pool = tenant_pool
    table = CountingDocuments(pool)
    documents = GroupCommitDocuments(table, max_in_flight=1)
    good = [row(tenant, f"good {n}") for n in range(6)]
    bad = row(tenant, "bad", priority="urgent")  # breaks the priority CHECK constraint

    outcomes = await asyncio.gather(
        *(documents.insert(r) for r in [good[0], *good[1:3], bad, *good[3:]]),
        return_exceptions=True,
    )

    assert isinstance(outcomes[3], asyncpg.CheckViolationError)
    assert [o for i, o in enumerate(outcomes) if i != 3] == [None] * 6
    assert await stored(pool, tenant) == {r.document_id for r in good}


async def test_a_cancelled_upload_does_not_take_the_batch_with_it(
    tenant_pool: tuple[str, asyncpg.Pool],
) -> None:
    tenant, pool = tenant_pool
    documents = GroupCommitDocuments(CountingDocuments(pool), max_in_flight=1)
    rows = [row(tenant, f"batch {n}") for n in range(12)]
    tasks = [asyncio.create_task(documents.insert(r)) for r in rows]
    for _ in range(3):
        await asyncio.sleep(0)  # the first write is under way, the rest queue behind it
    tasks[0].cancel()  # the upload that is writing
    tasks[5].cancel()  # an upload still queued

    outcomes = await asyncio.gather(*tasks, return_exceptions=True)

    assert isinstance(outcomes[0], asyncio.CancelledError)
    assert isinstance(outcomes[5], asyncio.CancelledError)
    assert [o for i, o in enumerate(outcomes) if i not in (0, 5)] == [None] * 10
    expected = {r.document_id for i, r in enumerate(rows) if i != 5}
    # The first row was in flight when its upload was cancelled: it is written all the same
    # (its object is kept and the reconciler announces it); the queued one never is.
    await wait_for(lambda: _has(pool, tenant, expected), timeout=10)
    assert rows[5].document_id not in await stored(pool, tenant)


async def _has(pool: asyncpg.Pool, tenant: str, expected: set[str]) -> bool:
    return expected <= await stored(pool, tenant)


async def test_an_outage_reaches_every_waiter(database_url: str) -> None:
    tenant = unique("gc")
    closed = await create_pool(database_url, max_size=1)
    await closed.close()
    documents = GroupCommitDocuments(PgDocuments(closed), max_in_flight=1)

    outcomes = await asyncio.gather(
        *(documents.insert(row(tenant, f"lost {n}")) for n in range(5)), return_exceptions=True
    )

    assert all(isinstance(o, asyncpg.InterfaceError) for o in outcomes), outcomes
