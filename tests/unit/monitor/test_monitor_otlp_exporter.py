"""The receiver behind a real uvicorn server, fed by the real OTLP/HTTP span exporter."""

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from live_server import serve

from services.monitor.telemetry import TelemetryHub, TelemetrySettings, create_otlp_app
from shared.telemetry.tracing import (
    consumer_span,
    get_tracer,
    producer_span,
    setup_tracing,
    shutdown_tracing,
)
from tests.conftest import wait_for


@pytest.fixture
async def live_receiver() -> AsyncIterator[tuple[TelemetryHub, str]]:
    hub = TelemetryHub(TelemetrySettings(otlp_max_body_bytes=256 * 1024))
    async with serve(create_otlp_app(hub, manage_hub=True)) as base_url:
        yield hub, base_url


@pytest.mark.parametrize("compression", ["none", "gzip"])
async def test_sdk_exporter_spans_reach_the_store(
    live_receiver: tuple[TelemetryHub, str], monkeypatch: pytest.MonkeyPatch, compression: str
) -> None:
    hub, base_url = live_receiver
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", base_url)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", compression)
    provider = setup_tracing("sum-ingest", "1.2.3", "ingest-1")
    tracer = get_tracer("tests")

    def emit_spans() -> tuple[str, str]:
        headers: dict[str, str] = {}
        with producer_span(tracer, "sum.documents.received", "msg-1", headers) as producer:
            producer.set_attribute("sum.document.id", f"doc-{compression}")
        with consumer_span(
            tracer, "sum.documents.received", "ingest", "msg-1", 2, headers
        ) as consumer:
            consumer.set_attribute("sum.document.id", f"doc-{compression}")
        producer_id = format(producer.get_span_context().span_id, "016x")
        return format(consumer.get_span_context().trace_id, "032x"), producer_id

    # The exporter is synchronous: run it off the loop that serves the receiver.
    trace_id, producer_id = await asyncio.to_thread(emit_spans)
    await asyncio.to_thread(provider.force_flush)
    await wait_for(
        lambda: (view := hub.store.get(trace_id)) is not None and view.summary.span_count == 2
    )
    await asyncio.to_thread(shutdown_tracing)

    view = hub.store.get(trace_id)
    assert view is not None
    assert view.summary.root_service == "sum-ingest"
    [root] = view.roots
    assert root.span_id == producer_id and root.kind == "SPAN_KIND_PRODUCER"
    [child] = root.children
    assert child.kind == "SPAN_KIND_CONSUMER"
    assert child.attributes["messaging.system"] == "nats"
    assert child.attributes["messaging.consumer.group.name"] == "ingest"
    assert child.attributes["messaging.nats.message.delivery_count"] == 2
    assert hub.store.trace_ids_for_document(f"doc-{compression}") == [trace_id]


async def test_chunked_body_over_the_limit_gets_413(
    live_receiver: tuple[TelemetryHub, str],
) -> None:
    hub, base_url = live_receiver
    limit = hub.settings.otlp_max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b" " * (limit // 4)

    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post(
            "/v1/traces", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert "exceeds" in response.json()["message"]
        ok = await client.post(
            "/v1/traces",
            content=json.dumps({"resourceSpans": []}),
            headers={"Content-Type": "application/json"},
        )
        assert ok.status_code == 200
