"""Forwarding received telemetry to another OTLP receiver, with retries and a bounded queue."""

import asyncio
import contextlib
import json

from fake_collector import FakeCollector, run_collector
from litestar.testing import AsyncTestClient
from monitor_helpers import json_span, json_traces, new_span_id, new_trace_id
from prometheus_client import CollectorRegistry

from services.monitor.telemetry import TelemetryHub, TelemetrySettings, create_otlp_app
from services.monitor.telemetry.forwarding import ForwardBatch, Forwarder
from services.monitor.telemetry.http_client import HttpPostError, http_post
from tests.conftest import wait_for


async def test_received_bodies_are_forwarded_unchanged() -> None:
    collector = FakeCollector()
    async with run_collector(collector) as url:
        hub = TelemetryHub(TelemetrySettings(forward_otlp=url))
        await hub.start()
        body = json.dumps(json_traces("gateway", [json_span(new_trace_id(), new_span_id(), "x")]))
        async with AsyncTestClient(app=create_otlp_app(hub)) as client:
            response = await client.post(
                "/v1/traces",
                content=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        assert response.status_code == 200
        await wait_for(lambda: len(collector.received) == 1)
        await hub.stop()
    [forwarded] = collector.received
    assert forwarded.path == "/v1/traces"
    assert forwarded.headers["content-type"] == "application/json"
    assert forwarded.body == body.encode()


async def test_retryable_failures_are_retried() -> None:
    collector = FakeCollector(statuses=[503, 429])
    registry = CollectorRegistry()
    async with run_collector(collector) as url:
        forwarder = Forwarder(url, registry, backoff_seconds=0.01)
        task = asyncio.create_task(forwarder.run())
        forwarder.enqueue(ForwardBatch("/v1/metrics", "application/x-protobuf", b"\x01\x02"))
        await wait_for(lambda: len(collector.received) == 1)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert collector.attempts == 3
    assert collector.received[0].body == b"\x01\x02"
    assert registry.get_sample_value("sum_monitor_forward_batches_total", {"outcome": "sent"}) == 1


async def test_permanent_rejection_and_unreachable_target_drop_the_batch() -> None:
    registry = CollectorRegistry()

    def outcome(label: str) -> float | None:
        return registry.get_sample_value("sum_monitor_forward_batches_total", {"outcome": label})

    collector = FakeCollector(statuses=[400])
    async with run_collector(collector) as url:
        forwarder = Forwarder(url, registry, max_attempts=2, backoff_seconds=0.01)
        task = asyncio.create_task(forwarder.run())
        forwarder.enqueue(ForwardBatch("/v1/traces", "application/json", b"{}"))
        await wait_for(lambda: outcome("rejected") == 1)
    # The collector is gone now: connection refused, retried once, then given up.
    forwarder.enqueue(ForwardBatch("/v1/traces", "application/json", b"{}"))
    await wait_for(lambda: outcome("failed") == 1)
    assert collector.attempts == 1
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def test_full_queue_drops_the_oldest_batch() -> None:
    registry = CollectorRegistry()
    forwarder = Forwarder("http://127.0.0.1:9", registry, max_batches=2)
    for index in range(5):
        forwarder.enqueue(ForwardBatch("/v1/traces", "application/json", str(index).encode()))
    assert forwarder.pending == 2
    dropped = {"outcome": "dropped_queue_full"}
    assert registry.get_sample_value("sum_monitor_forward_batches_total", dropped) == 3
    assert [batch.body for batch in forwarder._queue] == [b"3", b"4"]


async def test_http_post_rejects_bad_urls_and_headers() -> None:
    for url in ("ftp://example/x", "not a url"):
        try:
            await http_post(url, b"")
        except HttpPostError:
            pass
        else:
            raise AssertionError(f"{url} must be refused")
    try:
        await http_post("http://127.0.0.1:9/", b"", {"X-Evil": "a\r\nInjected: 1"})
    except HttpPostError as exc:
        assert "line break" in str(exc)
    else:
        raise AssertionError("header injection must be refused")


async def test_a_malformed_url_is_an_http_post_error_not_a_crash() -> None:
    for url in ("http://[::1", "http://127.0.0.1:99999/hook"):
        try:
            await http_post(url, b"")
        except HttpPostError as exc:
            assert "malformed" in str(exc)
        else:
            raise AssertionError(f"{url} must be refused")
