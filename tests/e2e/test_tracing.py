"""One upload yields one trace across the gateway, ingest and processor, found in the monitor."""

import httpx
import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.e2e


async def test_one_trace_per_document_across_services(platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=10) as gateway:
        answer = await gateway.post(
            "/v1/documents",
            files={
                "file": ("trace.txt", b"Tracing works end to end. It really does.", "text/plain")
            },
            headers={"X-Request-ID": "req-trace-1"},
        )
        assert answer.status_code == 202 and answer.headers["x-request-id"] == "req-trace-1"
        document_id = answer.json()["id"]

        async def processed() -> dict | None:
            view = (await gateway.get(f"/v1/documents/{document_id}")).json()
            return view if view["status"] == "processed" else None

        view = await wait_for(processed, timeout=30)
    trace_id = view["trace_id"]
    assert trace_id and len(trace_id) == 32

    async with httpx.AsyncClient(base_url=platform.url("monitor"), timeout=10) as monitor:

        async def complete_trace() -> dict | None:
            answer = await monitor.get(f"/api/traces/{trace_id}")
            if answer.status_code != 200:
                return None
            trace = answer.json()
            if {"gateway", "ingest", "processor"} <= set(trace["summary"]["services"]):
                spans = flatten(trace["roots"])
                if any(
                    s["name"].startswith("process ") and s["service_name"] == "processor"
                    for s in spans
                ):
                    return trace
            return None

        trace = await wait_for(complete_trace, timeout=30, interval=0.3)
        by_document = (await monitor.get("/api/traces", params={"document_id": document_id})).json()

    spans = flatten(trace["roots"])
    assert len(trace["roots"]) == 1, "one upload must make exactly one trace tree"
    root = trace["roots"][0]
    assert root["service_name"] == "gateway" and root["kind"] == "SPAN_KIND_SERVER"
    by_id = {s["span_id"]: s for s in spans}
    chain = []
    for span in spans:
        if span["service_name"] == "processor" and span["name"].startswith("process "):
            node = span
            while node is not None:
                chain.append((node["service_name"], node["kind"]))
                node = by_id.get(node.get("parent_span_id") or "")
    # processor CONSUMER ← ingest PRODUCER ← ingest CONSUMER ← gateway PRODUCER ← gateway SERVER
    kinds = [k for _, k in chain]
    assert kinds[0] == "SPAN_KIND_CONSUMER" and kinds[-1] == "SPAN_KIND_SERVER"
    services = [s for s, _ in chain]
    assert services[0] == "processor" and "ingest" in services and services[-1] == "gateway"
    assert any(s["kind"] == "SPAN_KIND_CLIENT" for s in spans), "database calls appear as spans"
    assert trace_id in [t["trace_id"] for t in by_document["traces"]]


def flatten(nodes: list[dict]) -> list[dict]:
    out = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.get("children", [])))
    return out
