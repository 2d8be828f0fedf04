"""Back up a populated system, wipe it, restore it: every document, text, summary and original
file comes back identical. A tampered backup is refused before anything is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import asyncpg
import httpx
import nats
import pytest
from nats.js.errors import BucketNotFoundError

from tests.conftest import NATS_URL, PG_BASE, drop_database, drop_namespace
from tests.integration.ops.conftest import Sumctl
from tests.platform import Platform

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parents[2] / "data" / "files"
# Binary originals: processed or failed depending on the extractors installed; either way they
# must come back byte for byte.
BINARIES = ("solar.pdf", "storage.docx")


def write_documents(directory: Path) -> dict[str, bytes]:
    directory.mkdir()
    shutil.copy(FIXTURES / "guide.md", directory / "guide.md")
    (directory / "résumé notes.txt").write_text(
        "The lighthouse keeper kept notes. The lighthouse stood on the cliff for a century. "
        "Ships passing the lighthouse saw its light every night."
    )
    (directory / "orchard.txt").write_text(
        "The orchard grows apples and pears. Every autumn the orchard is harvested by hand. "
        "Visitors walk through the orchard in spring."
    )
    (directory / ".hidden.txt").write_text("never uploaded")
    (directory / "notes.bin").write_bytes(b"\x00skipped: unsupported type")
    return {p.name: p.read_bytes() for p in directory.iterdir() if not p.name.startswith(".")}


def upload(sumctl: Sumctl, *paths: Path) -> dict:
    """``sumctl upload --wait --json``; returns its report once every document is finished."""
    answer = sumctl("upload", *paths, "--wait", "--wait-timeout", "90", "--json", "-j", "3")
    assert answer.returncode in (0, 1), answer.stdout + answer.stderr
    report = json.loads(answer.stdout)
    assert report["exit_code"] == answer.returncode
    assert all(d["status"] in ("processed", "failed") for d in report["documents"]), report
    return dict(report)


async def database_rows(dsn: str) -> dict[str, list[dict]]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            table: [dict(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("documents", "document_texts", "memories", "schema_migrations")
        }
    finally:
        await conn.close()


async def bucket_contents(namespace: str, names: list[str], into: Path) -> dict[str, bytes]:
    nc = await nats.connect(NATS_URL)
    try:
        store = await nc.jetstream().object_store(f"{namespace}_uploads")
        contents = {}
        for index, name in enumerate(names):
            path = into / str(index)
            with path.open("wb") as sink:
                await store.get(name, writeinto=sink)
            contents[name] = path.read_bytes()
        return contents
    finally:
        await nc.close()


async def views(gateway: str, ids: list[str], api_key: str) -> dict[str, dict]:
    headers = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(base_url=gateway, timeout=10, headers=headers) as client:
        return {i: (await client.get(f"/v1/documents/{i}")).json() for i in ids}


async def bucket_exists(namespace: str) -> bool:
    nc = await nats.connect(NATS_URL)
    try:
        await nc.jetstream().object_store(f"{namespace}_uploads")
        return True
    except BucketNotFoundError:
        return False
    finally:
        await nc.close()


async def database_exists(dsn: str) -> bool:
    conn = await asyncpg.connect(f"{PG_BASE}/postgres")
    try:
        name = dsn.rsplit("/", 1)[1]
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def test_backup_wipe_restore_gives_back_everything(
    ops_platform: Platform, sumctl: Sumctl, ops_env: dict[str, str], tmp_path: Path
) -> None:
    dsn, namespace = ops_env["SUM_DATABASE_URL"], ops_env["SUM_NAMESPACE"]
    originals = write_documents(tmp_path / "docs")
    sumctl.env["SUM_GATEWAY_URL"] = ops_platform.url("gateway")

    texts = upload(sumctl, tmp_path / "docs")
    assert texts["exit_code"] == 0, texts
    assert [Path(p).name for p in texts["skipped"]] == ["notes.bin"]
    binaries = upload(sumctl, *(FIXTURES / name for name in BINARIES))
    originals.update({name: (FIXTURES / name).read_bytes() for name in BINARIES})
    documents = texts["documents"] + binaries["documents"]
    ids = {Path(d["path"]).name: d["id"] for d in documents}
    assert set(ids) == set(originals) - {"notes.bin"}

    before_views = await views(
        ops_platform.url("gateway"), list(ids.values()), ops_env["SUM_API_KEY"]
    )
    assert before_views[ids["résumé notes.txt"]]["filename"] == "résumé notes.txt"
    before_rows = await database_rows(dsn)
    assert len(before_rows["documents"]) == len(ids)
    assert len(before_rows["memories"]) >= len(texts["documents"])

    backup_dir = tmp_path / "backup"
    backed_up = sumctl("backup", backup_dir, "--json")
    assert backed_up.returncode == 0, backed_up.stderr
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["counts"]["documents"] == len(ids) == manifest["counts"]["objects"]
    assert manifest["counts"]["in_flight"] == 0 and manifest["problems"] == []
    assert manifest["versions"]["schema"] >= 1 and manifest["versions"]["postgres"]
    assert len(manifest["database"]["sha256"]) == 64

    # Wipe: services stopped, database dropped, streams and bucket deleted.
    ops_platform.stop_all()
    await drop_database(dsn)
    await drop_namespace(namespace)
    assert not await database_exists(dsn) and not await bucket_exists(namespace)

    # A backup with one flipped byte is refused, and nothing is created.
    tampered = tmp_path / "tampered"
    shutil.copytree(backup_dir, tampered)
    victim = tampered / manifest["objects"][0]["path"]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    refused = sumctl("restore", tampered)
    assert refused.returncode == 8, refused.stderr
    assert "SHA-256 does not match" in refused.stderr
    assert not await database_exists(dsn) and not await bucket_exists(namespace)

    restored = sumctl("restore", backup_dir, "--json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["documents"] == len(ids)

    assert await database_rows(dsn) == before_rows
    object_names = {str(r["id"]): r["object_name"] for r in before_rows["documents"]}
    names = {file: object_names[document_id] for file, document_id in ids.items()}
    (tmp_path / "after").mkdir()
    stored = await bucket_contents(namespace, list(names.values()), tmp_path / "after")
    for file, object_name in names.items():
        assert stored[object_name] == originals[file], f"{file} differs after the restore"

    ops_platform.start("gateway")
    await ops_platform.wait_ready("gateway")
    assert (
        await views(ops_platform.url("gateway"), list(ids.values()), ops_env["SUM_API_KEY"])
        == before_views
    )
    status = sumctl("status", ids["orchard.txt"], "--json")
    assert status.returncode == 0 and "orchard" in json.loads(status.stdout)["summary"]

    # A second restore over the populated system is refused unless forced.
    again = sumctl("restore", backup_dir)
    assert again.returncode == 9 and "--force" in again.stderr
