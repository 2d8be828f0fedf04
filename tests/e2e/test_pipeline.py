"""Twenty documents through the real services, over HTTP, to ``processed``."""

import asyncio
import re
import time

import httpx
import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.e2e

TOPICS = [
    "volcano",
    "glacier",
    "orchard",
    "lighthouse",
    "telescope",
    "harbor",
    "meadow",
    "bakery",
    "library",
    "subway",
    "canyon",
    "reef",
    "vineyard",
    "observatory",
    "factory",
    "monastery",
    "prairie",
    "airport",
    "tundra",
    "marina",
]


def document(topic: str) -> str:
    return (
        f"The {topic} report.\n\n"
        f"This document is about the {topic} and nothing else. "
        f"Visitors to the {topic} describe it as remarkable in every season. "
        f"The {topic} has a long history that local people still tell. "
        f"Experts study the {topic} to understand how it changes over time. "
        f"Maps of the region always show the {topic} clearly."
    )


async def test_twenty_documents_reach_processed_with_their_own_summary(platform) -> None:
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=10) as client:

        async def upload(topic: str) -> str:
            files = {"file": (f"{topic}.txt", document(topic).encode(), "text/plain")}
            answer = await client.post("/v1/documents", files=files)
            assert answer.status_code == 202, answer.text
            body = answer.json()
            assert body["status"] == "received" and len(body["sha256"]) == 64
            assert body["links"]["self"] == f"/v1/documents/{body['id']}"
            return str(body["id"])

        ids = dict(zip(await asyncio.gather(*(upload(t) for t in TOPICS)), TOPICS, strict=True))

        async def all_processed() -> dict[str, dict] | None:
            views = {i: (await client.get(f"/v1/documents/{i}")).json() for i in ids}
            failed = [v for v in views.values() if v["status"] == "failed"]
            assert not failed, failed
            return views if all(v["status"] == "processed" for v in views.values()) else None

        views = await wait_for(all_processed, timeout=60, interval=0.2)
    elapsed = time.perf_counter() - started
    print(f"\n20 documents uploaded and processed end to end in {elapsed:.2f}s")

    for document_id, topic in ids.items():
        summary = views[document_id]["summary"]
        assert summary, f"empty summary for {topic}"
        assert topic in summary, f"summary of {topic} is not drawn from it: {summary!r}"
        others = [t for t in TOPICS if t != topic and re.search(rf"\b{t}\b", summary)]
        assert not others, f"summary of {topic} mentions {others}"
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", summary) if s.strip()]
        assert all(s.rstrip(".") in document(topic) for s in sentences)
        assert any(k["term"] == topic for k in views[document_id]["keywords"])

    async with httpx.AsyncClient(base_url=platform.url("monitor")) as monitor:
        counts = (await monitor.get("/api/pipeline/counts")).json()
    assert counts["processed"] == 20

    async with httpx.AsyncClient(base_url=platform.url("monitor")) as monitor:

        async def backlog_seen() -> dict | None:
            view = (await monitor.get("/api/pipeline")).json()
            seen = {c["consumer"] for c in view["consumers"]}
            drained = all(c["pending"] == 0 and c["ack_pending"] == 0 for c in view["consumers"])
            return view if {"ingest-normal", "processor-normal"} <= seen and drained else None

        view = await wait_for(backlog_seen, timeout=15, interval=0.2)
    assert view["documents"]["processed"] == 20 and view["dead_letters"] == 0
    assert view["latency_ms"]["p50"] is not None and sum(view["throughput_per_min"]) == 20
