"""Load the dashboard in headless Chromium and check what it renders.

Needs a Chromium binary (Debian: ``apt-get install chromium``); skipped when none is found,
except under CI.
"""

import json
import os
import time
from pathlib import Path

import httpx
import pytest
from browser_support import find_chromium, run_chromium, serve
from litestar import Litestar

from services.monitor.alerts import ConsumerBacklog, PipelineSnapshot, ServiceHeartbeat
from services.monitor.dashboard import ConsumerView, DocumentCounts, LatencyView, PipelineView
from services.monitor.routes import MonitorState, create_monitor_router
from services.monitor.settings import MonitorSettings
from services.monitor.telemetry import otlp_route_handlers
from shared.config import load_settings
from tests.conftest import wait_for

CHROMIUM = find_chromium()
# Under CI a missing browser is a broken pipeline, not a reason to skip.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI", "").lower() not in {"1", "true", "yes"},
    reason="needs chromium (deploy/tools/install-validators.sh installs it)",
)

PIPELINE = PipelineView(
    consumers=[
        ConsumerView(
            stream="DOCUMENTS", consumer="ingest", pending=64, ack_pending=8, redelivered=3
        ),
        ConsumerView(
            stream="INGESTED", consumer="processor", pending=12, ack_pending=4, redelivered=0
        ),
    ],
    dead_letters=2,
    throughput_per_min=[12, 18, 25, 22, 30, 41, 38, 35, 44, 52, 47, 50],
    latency_ms=LatencyView(p50=180.0, p95=640.0, p99=1250.0),
    documents=DocumentCounts(received=412, ingested=405, processed=398, failed=3),
)


def _span(trace_id: str, span_id: str, name: str, parent: str, start_ms: int, ms: int) -> dict:
    start = time.time_ns() - 5_000_000_000 + start_ms * 1_000_000
    return {
        "traceId": trace_id,
        "spanId": span_id,
        "parentSpanId": parent,
        "name": name,
        "kind": 2 if not parent else 1,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + ms * 1_000_000),
        "attributes": [{"key": "sum.document.id", "value": {"stringValue": "doc-42"}}],
        "status": {"code": 2 if name.startswith("summarize") else 0},
    }


def _upload_trace(trace_id: str) -> dict:
    spans = {
        "gateway": [_span(trace_id, "a" * 16, "POST /documents", "", 0, 900)],
        "ingest": [
            _span(trace_id, "b" * 16, "process sum.documents.received", "a" * 16, 40, 300),
            _span(trace_id, "c" * 16, "<img src=x onerror=alert(1)>", "b" * 16, 60, 120),
        ],
        "processor": [_span(trace_id, "d" * 16, "summarize document", "b" * 16, 360, 520)],
    }
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": s}}]},
                "scopeSpans": [{"spans": service_spans}],
            }
            for s, service_spans in spans.items()
        ]
    }


async def test_dashboard_renders_alerts_charts_and_waterfall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM is not None
    monkeypatch.setenv("SUM_MONITOR_ALERT_EXPECTED_SERVICES", "gateway,ingest,processor")

    async def pipeline() -> PipelineView:
        return PIPELINE

    settings = load_settings(MonitorSettings)
    state = MonitorState.build(settings.telemetry, settings.alerts, pipeline=pipeline)
    now = time.time()
    state.alerts.update(
        PipelineSnapshot(
            taken_at=now,
            consumers=[
                ConsumerBacklog(
                    stream="DOCUMENTS", consumer="ingest", pending=64, ack_pending=8, redelivered=3
                )
            ],
            dead_letters=2,
            heartbeats=[ServiceHeartbeat(service=s, last_seen=now) for s in ("gateway", "ingest")],
        )
    )
    app = Litestar([create_monitor_router(state), *otlp_route_handlers(state.telemetry)])
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    await state.start()
    try:
        async with serve(app) as base_url:
            async with httpx.AsyncClient(base_url=base_url) as client:
                response = await client.post(
                    "/v1/traces",
                    content=json.dumps(_upload_trace(trace_id)),
                    headers={"Content-Type": "application/json"},
                )
                assert response.status_code == 200
            await wait_for(lambda: state.telemetry.store.span_count == 4)

            dom = await run_chromium(
                CHROMIUM, tmp_path / "profile-dom", "--dump-dom", base_url + "/"
            )
            screenshot = tmp_path / "dash.png"
            await run_chromium(
                CHROMIUM,
                tmp_path / "profile-shot",
                f"--screenshot={screenshot}",
                "--window-size=1280,900",
                base_url + "/",
            )
    finally:
        await state.stop()

    (tmp_path / "dashboard.html").write_text(dom)
    # Alerts from the engine: dead letters, a backlog and the missing processor heartbeat.
    for alert in ("dead_letters", "backlog_high:DOCUMENTS/ingest", "service_missing:processor"):
        assert f'data-alert="{alert}"' in dom
    # The recent-trace table and the waterfall of the auto-selected trace.
    assert f'data-trace-id="{trace_id}"' in dom
    assert dom.count('class="wf-row') == 4
    assert 'class="wf-row error"' in dom  # the failed summarize span
    assert "process sum.documents.received" in dom
    # Bars are placed by offset and duration: summarize starts at 360 of 900 ms, lasts 520 ms.
    assert "left: 0%; width: 100%" in dom
    assert "left: 40%; width: 57.78%" in dom
    # A span name that looks like markup is shown as text, never parsed into an element.
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom
    assert "<img" not in dom
    # Charts: one bar per minute of throughput, backlog rows, document tiles.
    assert dom.count('class="throughput-bar"') == len(PIPELINE.throughput_per_min)
    assert "DOCUMENTS / ingest" in dom and "INGESTED / processor" in dom
    assert ">412<" in dom
    assert screenshot.exists() and screenshot.stat().st_size > 10_000
