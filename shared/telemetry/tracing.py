"""OpenTelemetry tracing for SUM services: SDK setup, W3C propagation, NATS messaging spans.

Every service calls :func:`setup_tracing` once at start-up and :func:`shutdown_tracing` on exit.
Spans go over OTLP/HTTP (protobuf) to the monitor, which listens on port 4318 by default. The
standard ``OTEL_*`` variables still win: ``OTEL_EXPORTER_OTLP_ENDPOINT``,
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, ``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_BSP_*``,
``OTEL_TRACES_SAMPLER``, ``OTEL_RESOURCE_ATTRIBUTES`` and ``OTEL_SDK_DISABLED``.
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

DEFAULT_OTLP_ENDPOINT = "http://127.0.0.1:4318"
MESSAGING_SYSTEM = "nats"
# NATS has no registered semantic-convention attribute for the delivery count; this follows the
# messaging.<system>.message.* naming used by other systems (servicebus, rabbitmq).
NATS_DELIVERY_COUNT = "messaging.nats.message.delivery_count"

# W3C trace context only: baggage is not used by SUM and the global default may be reconfigured
# through OTEL_PROPAGATORS by an operator without changing what services put on the wire.
_propagator = TraceContextTextMapPropagator()
_provider: TracerProvider | None = None


def _traces_endpoint() -> str:
    """Resolve the traces URL the same way the exporter would, with the monitor as the default."""
    if explicit := os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return explicit
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or DEFAULT_OTLP_ENDPOINT
    return f"{base.rstrip('/')}/v1/traces"


def setup_tracing(service_name: str, version: str, instance_id: str) -> TracerProvider:
    """Configure the global tracer provider for this process and return it.

    Calling it again shuts the previous provider down first, so tests can re-point it.
    """
    global _provider
    if _provider is not None:
        shutdown_tracing()
    resource = Resource.create(
        {
            "service.name": service_name,
            "service.version": version,
            "service.instance.id": instance_id,
            "service.namespace": "sum",
        }
    )
    provider = TracerProvider(resource=resource)
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() != "true":
        exporter = OTLPSpanExporter(endpoint=_traces_endpoint())
        provider.add_span_processor(BatchSpanProcessor(exporter))
    # The global provider can only be set once per process; later calls keep the local handle
    # so spans from get_tracer() of this module still reach the newest exporter.
    trace.set_tracer_provider(provider)
    _provider = provider
    return provider


def get_tracer(name: str) -> Tracer:
    """A tracer from the provider set up here, falling back to the global one."""
    if _provider is not None:
        return _provider.get_tracer(name)
    return trace.get_tracer(name)


def shutdown_tracing() -> None:
    """Flush pending spans and stop the exporter; safe to call more than once."""
    global _provider
    if _provider is None:
        return
    provider, _provider = _provider, None
    provider.force_flush()
    provider.shutdown()


def inject_headers(headers: dict[str, str], context: Context | None = None) -> dict[str, str]:
    """Add ``traceparent``/``tracestate`` for the current (or given) context to ``headers``."""
    _propagator.inject(headers, context=context)
    return headers


def extract_context(headers: Mapping[str, str] | None) -> Context:
    """The remote context carried by message or request headers (empty context if none)."""
    return _propagator.extract(dict(headers or {}))


@contextmanager
def consumer_span(
    tracer: Tracer,
    subject: str,
    consumer: str,
    msg_id: str | None,
    delivery_count: int,
    headers: Mapping[str, str] | None,
) -> Iterator[Span]:
    """A CONSUMER span for processing one JetStream message, child of the producer's context.

    Exceptions propagate; the SDK records them and marks the span as an error.
    """
    attributes: dict[str, str | int] = {
        "messaging.system": MESSAGING_SYSTEM,
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": subject,
        "messaging.consumer.group.name": consumer,
        NATS_DELIVERY_COUNT: delivery_count,
    }
    if msg_id:
        attributes["messaging.message.id"] = msg_id
    parent = extract_context(headers)
    with tracer.start_as_current_span(
        f"process {subject}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span


@contextmanager
def producer_span(
    tracer: Tracer,
    subject: str,
    msg_id: str | None,
    headers: dict[str, str],
) -> Iterator[Span]:
    """A PRODUCER span for publishing one message; injects its context into ``headers``.

    Publish with the same ``headers`` dict inside the ``with`` block so the consumer's span
    becomes a child of this one.
    """
    attributes: dict[str, str] = {
        "messaging.system": MESSAGING_SYSTEM,
        "messaging.operation.type": "send",
        "messaging.operation.name": "publish",
        "messaging.destination.name": subject,
    }
    if msg_id:
        attributes["messaging.message.id"] = msg_id
    with tracer.start_as_current_span(
        f"publish {subject}", kind=SpanKind.PRODUCER, attributes=attributes
    ) as span:
        inject_headers(headers, context=otel_context.get_current())
        yield span


__all__ = [
    "DEFAULT_OTLP_ENDPOINT",
    "consumer_span",
    "extract_context",
    "get_tracer",
    "inject_headers",
    "producer_span",
    "setup_tracing",
    "shutdown_tracing",
]
