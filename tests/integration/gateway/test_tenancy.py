"""API keys and tenants: no key no answer, keys stored as hashes, tenants never see each other."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

pytestmark = pytest.mark.integration

SUMCTL = str(Path(sys.executable).parent / "sumctl")


def problem_slug(answer) -> str:
    assert answer.headers["content-type"].startswith("application/problem+json")
    return str(answer.json()["type"].rsplit("/", 1)[1])


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic dXNlcjpwYXNz", "Bearer not-a-key", "Bearer sum_" + "A" * 43],
)
async def test_every_api_route_needs_a_valid_key(gateway, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with gateway.client(headers=headers) as client:
        answers = [
            await client.get("/v1/documents"),
            await client.get("/v1/documents/00000000-0000-0000-0000-000000000000"),
            await client.post("/v1/documents", files={"file": ("a.txt", b"text")}),
            await client.delete("/v1/documents/00000000-0000-0000-0000-000000000000"),
        ]
    for answer in answers:
        assert answer.status_code == 401 and problem_slug(answer) == "unauthorized"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


async def test_another_tenants_document_is_exactly_as_unknown_as_a_missing_one(
    gateway, keys
) -> None:
    owner, stranger = await keys.create(), await keys.create()
    async with gateway.client(owner) as client:
        uploaded = await client.post("/v1/documents", files={"file": ("mine.txt", b"private")})
        document_id = uploaded.json()["id"]
        assert (await client.get(f"/v1/documents/{document_id}")).status_code == 200
    async with gateway.client(stranger) as client:
        theirs = await client.get(f"/v1/documents/{document_id}")
        unknown = await client.get("/v1/documents/00000000-0000-0000-0000-000000000000")
        text = await client.get(f"/v1/documents/{document_id}/text")
        events = await client.get(f"/v1/documents/{document_id}/events")
        deleted = await client.delete(f"/v1/documents/{document_id}")
        listing = (await client.get("/v1/documents")).json()
        same_bytes = await client.post("/v1/documents", files={"file": ("x.txt", b"private")})
    assert theirs.status_code == unknown.status_code == 404
    strip = {"instance"}
    assert {k: v for k, v in theirs.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }
    assert text.status_code == events.status_code == deleted.status_code == 404
    assert listing["items"] == []
    # Deduplication is per tenant: the stranger's copy is a new document of their own.
    assert same_bytes.status_code == 202 and same_bytes.json()["id"] != document_id


def sumctl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SUMCTL, "keys", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_sumctl_creates_lists_and_revokes_keys_storing_only_hashes(
    gateway, database_url
) -> None:
    env = {"SUM_DATABASE_URL": database_url}
    created = sumctl(env, "create", "--tenant", "cli-tenant", "--name", "ci")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.split()[-1]
    assert secret.startswith("sum_")

    conn = await asyncpg.connect(database_url)
    try:
        stored = await conn.fetch("SELECT * FROM api_keys WHERE tenant_id = 'cli-tenant'")
    finally:
        await conn.close()
    assert (
        len(stored) == 1 and stored[0]["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    )
    assert all(secret not in str(value) for value in dict(stored[0]).values())

    listed = sumctl(env, "list", "--tenant", "cli-tenant")
    assert listed.returncode == 0 and secret[:12] in listed.stdout and secret not in listed.stdout

    async with gateway.client(secret) as client:
        assert (await client.get("/v1/documents")).status_code == 200
        assert sumctl(env, "revoke", secret[:12]).returncode == 0
        assert (await client.get("/v1/documents")).status_code == 401
    assert sumctl(env, "revoke", secret[:12]).returncode == 1  # nothing left to revoke
    assert sumctl(env, "create", "--tenant", "Not A Name").returncode == 2
