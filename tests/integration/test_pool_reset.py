"""Pooled connections are handed back cheaply but clean: an open transaction is rolled back."""

import pytest

from shared.db.pool import create_pool

pytestmark = pytest.mark.integration


async def test_a_transaction_left_open_is_rolled_back_on_release(database_url: str) -> None:
    pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await conn.execute("BEGIN")
            await conn.execute("CREATE TEMP TABLE left_open (n int)")
            assert conn.is_in_transaction()
        async with pool.acquire() as conn:  # the same, single connection
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
    finally:
        await pool.close()
