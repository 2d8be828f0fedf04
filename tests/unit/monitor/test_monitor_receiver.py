"""The OTLP/HTTP receiver with hand-written OTLP/JSON and protobuf payloads."""

import gzip
import json
import random

import msgspec
from google.rpc.status_pb2 import Status
from litestar.testing import AsyncTestClient
from monitor_helpers import (
    json_metrics,
    json_span,
    json_traces,
    new_span_id,
    new_trace_id,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from services.monitor.settings import MonitorSettings
from services.monitor.telemetry import (
    TelemetryHub,
    TelemetrySettings,
    create_otlp_app,
)
from shared.config import load_settings
from tests.conftest import wait_for

JSON = {"Content-Type": "application/json"}
PROTOBUF = {"Content-Type": "application/x-protobuf"}


def _sample(hub: TelemetryHub, name: str, labels: dict[str, str]) -> float:
    value = hub.registry.get_sample_value(name, labels)
    return value or 0.0


async def test_json_spans_are_stored_and_findable_by_document(
    hub: TelemetryHub, otlp_client: AsyncTestClient
) -> None:
    trace_id, root_id, child_id = new_trace_id(), new_span_id(), new_span_id()
    payload = json_traces(
        "gateway",
        [
            json_span(
                trace_id, root_id, "POST /documents", attributes={"sum.document.id": "doc-1"}
            ),
            json_span(trace_id, child_id, "publish documents", parent_span_id=root_id, kind=4),
        ],
    )
    response = await otlp_client.post("/v1/traces", content=json.dumps(payload), headers=JSON)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {}
    await wait_for(lambda: hub.store.get(trace_id) is not None)
    view = hub.store.get(trace_id)
    assert view is not None
    assert [root.name for root in view.roots] == ["POST /documents"]
    assert [child.name for child in view.roots[0].children] == ["publish documents"]
    assert view.roots[0].children[0].kind == "SPAN_KIND_PRODUCER"
    assert hub.store.trace_ids_for_document("doc-1") == [trace_id]
    calls = {
        "service_name": "gateway",
        "span_name": "POST /documents",
        "span_kind": "SPAN_KIND_SERVER",
        "status_code": "STATUS_CODE_UNSET",
    }
    assert _sample(hub, "sum_spanmetrics_calls_total", calls) == 1


async def test_protobuf_request_gets_protobuf_response(
    hub: TelemetryHub, otlp_client: AsyncTestClient
) -> None:
    trace_id = new_trace_id()
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    attribute = resource_spans.resource.attributes.add()
    attribute.key, attribute.value.string_value = "service.name", "ingest"
    span = resource_spans.scope_spans.add().spans.add()
    span.trace_id, span.span_id = bytes.fromhex(trace_id), bytes.fromhex(new_span_id())
    span.name, span.kind = "process documents", Span.SPAN_KIND_CONSUMER
    span.start_time_unix_nano, span.end_time_unix_nano = 1_000, 2_000_000

    response = await otlp_client.post(
        "/v1/traces", content=request.SerializeToString(), headers=PROTOBUF
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-protobuf"
    parsed = ExportTraceServiceResponse.FromString(response.content)
    assert not parsed.HasField("partial_success")
    await wait_for(lambda: hub.store.get(trace_id) is not None)
    view = hub.store.get(trace_id)
    assert view is not None and view.summary.root_service == "ingest"


async def test_gzip_body_is_decompressed(hub: TelemetryHub, otlp_client: AsyncTestClient) -> None:
    trace_id = new_trace_id()
    body = json.dumps(json_traces("processor", [json_span(trace_id, new_span_id(), "summarize")]))
    response = await otlp_client.post(
        "/v1/traces",
        content=gzip.compress(body.encode()),
        headers={**JSON, "Content-Encoding": "gzip"},
    )
    assert response.status_code == 200
    await wait_for(lambda: hub.store.get(trace_id) is not None)


async def test_invalid_spans_are_reported_as_partial_success(
    hub: TelemetryHub, otlp_client: AsyncTestClient
) -> None:
    good_trace = new_trace_id()
    payload = json_traces(
        "gateway",
        [
            json_span(good_trace, new_span_id(), "ok"),
            json_span("not-hex", new_span_id(), "bad trace id"),
            json_span(new_trace_id(), "00" * 8, "zero span id"),
        ],
    )
    response = await otlp_client.post("/v1/traces", content=json.dumps(payload), headers=JSON)

    assert response.status_code == 200
    partial = response.json()["partialSuccess"]
    assert int(partial["rejectedSpans"]) == 2
    assert "invalid trace_id" in partial["errorMessage"]
    assert "invalid span_id" in partial["errorMessage"]
    await wait_for(lambda: hub.store.get(good_trace) is not None)
    assert hub.store.span_count == 1


async def test_malformed_bodies_get_400_with_status(otlp_client: AsyncTestClient) -> None:
    cases = [
        (b"{not json", JSON),
        (b"[1, 2]", JSON),
        (json.dumps({"resourceSpans": [{"scopeSpans": "oops"}]}).encode(), JSON),
        (b"\xff\xff\xff\xff", PROTOBUF),
        (b"not gzip at all", {**JSON, "Content-Encoding": "gzip"}),
        (gzip.compress(b'{"resourceSpans": []}')[:-6], {**JSON, "Content-Encoding": "gzip"}),
    ]
    for body, headers in cases:
        response = await otlp_client.post("/v1/traces", content=body, headers=headers)
        assert response.status_code == 400, body
        if headers["Content-Type"] == "application/json":
            assert response.json()["message"]
        else:
            assert Status.FromString(response.content).message


async def test_unsupported_media_type_and_encoding(otlp_client: AsyncTestClient) -> None:
    response = await otlp_client.post(
        "/v1/traces", content=b"x", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    response = await otlp_client.post(
        "/v1/traces", content=b"x", headers={**JSON, "Content-Encoding": "br"}
    )
    assert response.status_code == 415
    assert "Content-Encoding" in response.json()["message"]


async def test_oversized_bodies_get_413(hub: TelemetryHub, otlp_client: AsyncTestClient) -> None:
    limit = hub.settings.otlp_max_body_bytes
    response = await otlp_client.post("/v1/traces", content=b" " * (limit + 1), headers=JSON)
    assert response.status_code == 413

    # A gzip bomb: small on the wire, far larger than the limit once inflated.
    bomb = gzip.compress(b"0" * (limit * 40))
    assert len(bomb) < limit
    response = await otlp_client.post(
        "/v1/traces", content=bomb, headers={**JSON, "Content-Encoding": "gzip"}
    )
    assert response.status_code == 413
    assert "decompressed" in response.json()["message"]


async def test_full_queue_answers_503_with_retry_after() -> None:
    # Not started: nothing drains the queue, so the second batch finds it full.
    hub = TelemetryHub(TelemetrySettings(ingest_queue_batches=1))
    body = json.dumps(json_traces("gateway", [json_span(new_trace_id(), new_span_id(), "a")]))
    async with AsyncTestClient(app=create_otlp_app(hub)) as client:
        first = await client.post("/v1/traces", content=body, headers=JSON)
        second = await client.post("/v1/traces", content=body, headers=JSON)
    assert first.status_code == 200
    assert second.status_code == 503
    assert second.headers["retry-after"] == str(hub.settings.retry_after_seconds)
    await hub.stop()  # applies the queued batch
    assert hub.store.span_count == 1


async def test_metrics_are_accepted_and_counted(
    hub: TelemetryHub, otlp_client: AsyncTestClient
) -> None:
    response = await otlp_client.post(
        "/v1/metrics", content=json.dumps(json_metrics("ingest", 3)), headers=JSON
    )
    assert response.status_code == 200
    assert response.json() == {}
    nameless = json_metrics("ingest", 2, metric_name="")
    response = await otlp_client.post("/v1/metrics", content=json.dumps(nameless), headers=JSON)
    assert int(response.json()["partialSuccess"]["rejectedDataPoints"]) == 2
    labels = {"signal": "metrics", "outcome": "accepted"}
    assert _sample(hub, "sum_monitor_otlp_items_total", labels) == 3


def test_settings_read_from_environment() -> None:
    settings = load_settings(
        MonitorSettings,
        {"SUM_MONITOR_OTLP_MAX_BODY_BYTES": "1024", "SUM_MONITOR_FORWARD_OTLP": "http://c:4318"},
    ).telemetry
    assert settings.otlp_max_body_bytes == 1024
    assert settings.forward_otlp == "http://c:4318"
    assert load_settings(MonitorSettings, {}).telemetry.otlp_max_body_bytes == 20 * 1024 * 1024
    try:
        load_settings(MonitorSettings, {"SUM_MONITOR_TRACE_STORE_TRACES": "many"})
    except SystemExit as exc:
        assert "trace_store_traces" in str(exc)
    else:
        raise AssertionError("a malformed number must be rejected")
    assert msgspec.structs.fields(TelemetrySettings)


async def test_hostile_bodies_never_cause_a_server_error(otlp_client: AsyncTestClient) -> None:
    rng = random.Random(7)
    bodies = [b"[" * 50_000, b'{"a":' * 50_000, b'{"resourceSpans": [' * 5_000]
    bodies += [rng.randbytes(rng.randint(1, 2_000)) for _ in range(60)]
    for body in bodies:
        for path in ("/v1/traces", "/v1/metrics"):
            for headers in (JSON, PROTOBUF):
                response = await otlp_client.post(path, content=body, headers=headers)
                assert response.status_code in (200, 400), (path, body[:40])
