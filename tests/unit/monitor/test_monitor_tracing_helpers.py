"""shared.telemetry.tracing: resource, endpoint defaults, W3C propagation, messaging spans."""

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shared.telemetry import tracing


@pytest.fixture
def recorded() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def test_endpoint_defaults_to_the_monitor_and_honours_otel_vars(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert tracing._traces_endpoint() == "http://127.0.0.1:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://monitor:4318/")
    assert tracing._traces_endpoint() == "http://monitor:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://other:9999/custom")
    assert tracing._traces_endpoint() == "http://other:9999/custom"


def test_setup_sets_the_service_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")  # no exporter thread for this check
    provider = tracing.setup_tracing("sum-gateway", "0.1.0", "gw-7")
    try:
        attributes = provider.resource.attributes
        assert attributes["service.name"] == "sum-gateway"
        assert attributes["service.version"] == "0.1.0"
        assert attributes["service.instance.id"] == "gw-7"
    finally:
        tracing.shutdown_tracing()
    tracing.shutdown_tracing()  # a second call is harmless


def test_producer_and_consumer_spans_are_linked_through_headers(
    recorded: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = recorded
    tracer = provider.get_tracer("tests")
    headers: dict[str, str] = {"Nats-Msg-Id": "doc-1"}
    with tracing.producer_span(tracer, "sum.documents.received", "doc-1", headers):
        pass
    assert headers["traceparent"].startswith("00-")
    with (
        pytest.raises(RuntimeError),
        tracing.consumer_span(tracer, "sum.documents.received", "ingest", "doc-1", 3, headers),
    ):
        raise RuntimeError("handler failed")

    producer, consumer = exporter.get_finished_spans()
    assert producer.kind is SpanKind.PRODUCER
    assert producer.name == "publish sum.documents.received"
    assert producer.attributes is not None
    assert producer.attributes["messaging.operation.type"] == "send"
    assert consumer.kind is SpanKind.CONSUMER
    assert consumer.parent is not None
    assert consumer.parent.span_id == producer.context.span_id
    assert consumer.context.trace_id == producer.context.trace_id
    assert consumer.attributes == {
        "messaging.system": "nats",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": "sum.documents.received",
        "messaging.consumer.group.name": "ingest",
        "messaging.nats.message.delivery_count": 3,
        "messaging.message.id": "doc-1",
    }
    assert consumer.status.status_code is StatusCode.ERROR


def test_extract_without_headers_gives_a_fresh_root(
    recorded: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = recorded
    tracer = provider.get_tracer("tests")
    for headers in (None, {}, {"traceparent": "garbage"}):
        with tracing.consumer_span(tracer, "s", "c", None, 1, headers):
            pass
    assert all(span.parent is None for span in exporter.get_finished_spans())
    assert tracing.inject_headers({}) == {}  # no active span: nothing to propagate
