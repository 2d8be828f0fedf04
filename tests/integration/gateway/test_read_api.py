"""The read API: listing with cursors and status filter, text, status events, long-poll, delete."""

import asyncio
import json

import asyncpg
import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.integration


async def upload(client, name: str, body: bytes) -> str:
    answer = await client.post("/v1/documents", files={"file": (name, body)})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


async def set_status(database_url: str, document_id: str, status: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "UPDATE documents SET status = $2, updated_at = now() WHERE id = $1",
            document_id,
            status,
        )
    finally:
        await conn.close()


async def add_text(database_url: str, document_id: str, text: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            """INSERT INTO document_texts (document_id, text, char_count, word_count, language)
               VALUES ($1, $2, $3, $4, 'en')""",
            document_id,
            text,
            len(text),
            len(text.split()),
        )
        await conn.execute(
            """INSERT INTO memories (document_id, summaries, keywords, method)
               VALUES ($1, '{"short": "s"}', '[]', 'test')""",
            document_id,
        )
    finally:
        await conn.close()


async def test_listing_pages_with_a_cursor_newest_first_and_filters_by_status(
    gateway, key, database_url
):
    async with gateway.client(key) as client:
        ids = [await upload(client, f"{n}.txt", b"document %d" % n) for n in range(5)]
        await set_status(database_url, ids[1], "processed")
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/documents", params=params)).json()
            assert len(page["items"]) <= 2
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        processed = (await client.get("/v1/documents", params={"status": "processed"})).json()
        bad_cursor = await client.get("/v1/documents", params={"cursor": "garbage!"})
        bad_status = await client.get("/v1/documents", params={"status": "lost"})
    assert seen == list(reversed(ids))
    assert [item["id"] for item in processed["items"]] == [ids[1]]
    assert bad_cursor.status_code == 400 and bad_cursor.json()["type"].endswith("/invalid-cursor")
    assert bad_status.status_code == 400


async def test_text_is_409_until_extracted_then_served(gateway, key, database_url):
    async with gateway.client(key) as client:
        document_id = await upload(client, "t.txt", b"some words here")
        early = await client.get(f"/v1/documents/{document_id}/text")
        await add_text(database_url, document_id, "some words here")
        text = await client.get(f"/v1/documents/{document_id}/text")
    assert early.status_code == 409 and early.json()["type"].endswith("/text-not-ready")
    assert text.status_code == 200
    assert text.json()["text"] == "some words here" and text.json()["word_count"] == 3


async def test_events_stream_status_changes_until_a_terminal_state(gateway, key, database_url):
    async with gateway.client(key) as client:
        document_id = await upload(client, "e.txt", b"watch me")
        changes: list[dict] = []
        async with client.stream("GET", f"/v1/documents/{document_id}/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            async for line in stream.aiter_lines():
                if not line.startswith("data:"):
                    continue
                changes.append(json.loads(line.removeprefix("data:")))
                if len(changes) == 1:
                    await set_status(database_url, document_id, "ingested")
                elif changes[-1]["status"] == "ingested":
                    await set_status(database_url, document_id, "processed")
    assert [c["status"] for c in changes] == ["received", "ingested", "processed"]
    assert changes[-1]["terminal"] is True


async def test_wait_long_polls_until_the_document_is_processed(gateway, key, database_url):
    async with gateway.client(key) as client:
        document_id = await upload(client, "w.txt", b"wait for me")
        waiting = asyncio.create_task(
            client.get(f"/v1/documents/{document_id}", params={"wait": 20})
        )

        async def still_waiting() -> bool:
            return not waiting.done()

        assert await wait_for(still_waiting)
        await set_status(database_url, document_id, "processed")
        answer = await asyncio.wait_for(waiting, 10)
    assert answer.status_code == 200 and answer.json()["status"] == "processed"


async def test_delete_removes_the_object_the_row_and_the_results(gateway, key, database_url, nc):
    async with gateway.client(key) as client:
        document_id = await upload(client, "d.txt", b"delete me")
        await add_text(database_url, document_id, "delete me")
        deleted = await client.delete(f"/v1/documents/{document_id}")
        after = await client.get(f"/v1/documents/{document_id}")
        again = await client.delete(f"/v1/documents/{document_id}")
        reupload = await client.post("/v1/documents", files={"file": ("d.txt", b"delete me")})
    assert deleted.status_code == 204 and after.status_code == 404 and again.status_code == 404
    assert reupload.status_code == 202 and reupload.json()["id"] != document_id
    store = await nc.jetstream().object_store(gateway.names.uploads_bucket)
    names = {o.name for o in await store.list() if not o.deleted}
    assert not any(document_id in name for name in names)
    conn = await asyncpg.connect(database_url)
    try:
        for table in ("document_texts", "memories"):
            count = await conn.fetchval(
                f"SELECT count(*) FROM {table} WHERE document_id = $1", document_id
            )
            assert count == 0, table
    finally:
        await conn.close()
