"""The monitor router: trace and alert APIs, metrics, the dashboard assets."""

import json
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from monitor_helpers import json_span, json_traces, new_span_id, new_trace_id

from services.monitor.alerts import PipelineSnapshot
from services.monitor.dashboard import ConsumerView, PipelineView
from services.monitor.routes import MonitorState, create_monitor_router, create_otlp_app
from services.monitor.settings import MonitorSettings
from shared.config import load_settings
from shared.web.ops import ops_routes
from tests.conftest import wait_for

PIPELINE = PipelineView(
    consumers=[
        ConsumerView(stream="DOCS", consumer="ingest", pending=7, ack_pending=2, redelivered=1)
    ],
    dead_letters=1,
    throughput_per_min=[3.0, 5.0],
)


@pytest.fixture
async def state(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[MonitorState]:
    monkeypatch.setenv("SUM_MONITOR_ALERT_EXPECTED_SERVICES", "gateway")

    async def pipeline() -> PipelineView:
        return PIPELINE

    settings = load_settings(MonitorSettings)
    monitor = MonitorState.build(settings.telemetry, settings.alerts, pipeline=pipeline)
    await monitor.start()
    yield monitor
    await monitor.stop()


async def _send_trace(state: MonitorState, document_id: str) -> str:
    trace_id, root = new_trace_id(), new_span_id()
    spans = [
        json_span(trace_id, root, "POST /documents", attributes={"sum.document.id": document_id}),
        json_span(trace_id, new_span_id(), "INSERT documents", parent_span_id=root, kind=3),
    ]
    async with AsyncTestClient(app=create_otlp_app(state)) as client:
        response = await client.post(
            "/v1/traces",
            content=json.dumps(json_traces("gateway", spans)),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 200
    await wait_for(lambda: state.telemetry.store.get(trace_id) is not None)
    return trace_id


async def test_trace_apis(state: MonitorState) -> None:
    first = await _send_trace(state, "doc-a")
    second = await _send_trace(state, "doc-b")
    async with AsyncTestClient(app=Litestar([create_monitor_router(state)])) as client:
        recent = (await client.get("/api/traces")).json()["traces"]
        assert [t["trace_id"] for t in recent] == [second, first]
        assert recent[0]["root_span_name"] == "POST /documents"
        assert recent[0]["services"] == ["gateway"]

        by_document = (await client.get("/api/traces", params={"document_id": "doc-a"})).json()
        assert [t["trace_id"] for t in by_document["traces"]] == [first]

        tree = (await client.get(f"/api/traces/{first}")).json()
        assert tree["roots"][0]["children"][0]["name"] == "INSERT documents"
        assert tree["roots"][0]["children"][0]["kind"] == "SPAN_KIND_CLIENT"

        assert (await client.get(f"/api/traces/{new_trace_id()}")).status_code == 404
        assert (await client.get("/api/traces/not-a-trace-id")).status_code == 400
        assert (await client.get("/api/traces", params={"limit": 0})).status_code == 400


async def test_alerts_pipeline_and_metrics(state: MonitorState) -> None:
    state.alerts.update(PipelineSnapshot(taken_at=0.0, dead_letters=1))
    app = Litestar([create_monitor_router(state), *ops_routes(dict, (state.registry,))])
    async with AsyncTestClient(app=app) as client:
        alerts = (await client.get("/api/alerts")).json()
        firing = {alert["alert"] for alert in alerts["firing"]}
        assert {"dead_letters", "service_missing:gateway"} <= firing

        pipeline = (await client.get("/api/pipeline")).json()
        assert pipeline["consumers"][0]["pending"] == 7
        assert pipeline["latency_ms"] == {"p50": 0.0, "p95": 0.0, "p99": 0.0}
        assert pipeline["documents"]["received"] == 0

        metrics = (await client.get("/metrics")).text
        assert 'sum_alert_firing{alert="dead_letters"} 1.0' in metrics


async def test_dashboard_assets_are_served_locally(state: MonitorState) -> None:
    async with AsyncTestClient(app=Litestar([create_monitor_router(state)])) as client:
        page = await client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert 'src="/dashboard/app.js"' in page.text
        assert "http" not in page.text.replace('xmlns="http', "")  # no external resources
        script = await client.get("/dashboard/app.js")
        assert script.headers["content-type"].startswith("text/javascript")
        assert ".innerHTML" not in script.text  # API data never becomes markup
        assert (await client.get("/dashboard/app.css")).status_code == 200
