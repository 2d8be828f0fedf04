"""Reading a service's readiness during a fault."""

from __future__ import annotations

from typing import Any

import httpx


async def readiness(url: str) -> dict[str, Any]:
    """The body of ``/health/ready`` plus its status code under ``"code"``."""
    async with httpx.AsyncClient(timeout=5) as client:
        answer = await client.get(url + "/health/ready")
    body: dict[str, Any] = answer.json()
    body["code"] = answer.status_code
    return body
