"""Schemathesis against the live gateway's OpenAPI document: no 5xx, every answer as documented.

``/metrics`` is left out: it is the shared operations route (Prometheus text, not an API).
SUM_SCHEMATHESIS_EXAMPLES raises the examples per operation for a deeper run.
"""

import asyncio
import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
# Data the schema allows is not always acceptable (a random file is no PDF), so "valid data is
# accepted" is not a contract of this API; every other check is.
CHECKS = ["all"]
EXCLUDED = ["positive_data_acceptance"]


async def test_the_live_api_keeps_its_openapi_contract(gateway_factory, keys, tmp_path) -> None:
    gateway = await gateway_factory(
        rate_limit_reads="100000/min", rate_limit_uploads="100000/min", events_max_seconds="1"
    )
    key = await keys.create()
    process = await asyncio.create_subprocess_exec(
        SCHEMATHESIS,
        "run",
        f"{gateway.url}/schema/openapi.json",
        "--header",
        f"Authorization: Bearer {key}",
        "--checks",
        ",".join(CHECKS),
        "--exclude-checks",
        ",".join(EXCLUDED),
        "--exclude-path",
        "/metrics",
        "--max-examples",
        os.environ.get("SUM_SCHEMATHESIS_EXAMPLES", "10"),
        "--request-timeout",
        "20",
        "--seed",
        "1",
        "--continue-on-failure",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )
    output, _ = await asyncio.wait_for(process.communicate(), 240)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
