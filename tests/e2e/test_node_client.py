"""A producer nobody here wrote: the official Node.js NATS client submits a document to the
running platform over the published contract and waits for its processed event."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.integration.busdoor.npm import npm_packages
from tests.integration.busdoor.submitting import unique_text

pytestmark = pytest.mark.e2e
SCRIPT = Path(__file__).parent / "node" / "submit.mjs"


async def test_node_client_submits_and_sees_processed(platform, pool) -> None:
    if shutil.which("node") is None:
        pytest.fail("node is needed for this test (Debian package 'nodejs')")
    client_dir = npm_packages("nats-client", "nats@2")
    # ESM resolves "nats" next to the script: run a copy inside the install directory.
    script = client_dir / SCRIPT.name
    shutil.copyfile(SCRIPT, script)
    text = unique_text("lighthouse")
    env = {
        "PATH": "/usr/bin:/bin",
        "SUM_NATS_URL": platform.env["SUM_NATS_URL"],
        "SUM_NAMESPACE": platform.env["SUM_NAMESPACE"],
        "SUM_TENANT": "nodeshop",
        "SUM_FILENAME": "lighthouse.txt",
        "SUM_TEXT": text,
    }
    node = await asyncio.create_subprocess_exec(
        "node", str(script), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(node.communicate(), timeout=90)
    assert node.returncode == 0, (stderr.decode(), platform.tail("gateway"))
    outcome = json.loads(stdout.decode().strip().splitlines()[-1])
    reply, processed = outcome["reply"], outcome["processed"]
    assert reply["status"] == "accepted" and reply["size"] == len(text.encode())
    assert processed["document_id"] == reply["document_id"]
    assert processed["tenant"] == "nodeshop" and processed["priority"] == "high"
    assert "lighthouse" in processed["summary"]

    row = await pool.fetchrow(
        "SELECT tenant, status FROM documents WHERE id = $1", processed["document_id"]
    )
    assert (row["tenant"], row["status"]) == ("nodeshop", "processed")
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as http:
        served = await http.get("/asyncapi.yaml")
    assert served.status_code == 200 and "sum.tenants.{tenant}.submit.v1" in served.text
