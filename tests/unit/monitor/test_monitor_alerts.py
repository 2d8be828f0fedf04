"""Every default rule fires and resolves; states, metric, webhook and configuration."""

import json

import pytest
from fake_collector import FakeCollector, run_collector
from prometheus_client import CollectorRegistry

from services.monitor.alerts import (
    AlertEngine,
    AlertThresholds,
    ConsumerBacklog,
    DbPoolUsage,
    PipelineSnapshot,
    ServiceHeartbeat,
    ServiceTraffic,
)
from services.monitor.settings import MonitorSettings
from shared.config import load_settings
from tests.conftest import wait_for

NOW = 1_800_000_000.0
HEALTHY_BEATS = [
    ServiceHeartbeat(service=s, last_seen=NOW) for s in ("gateway", "ingest", "processor")
]


def snapshot(**changes: object) -> PipelineSnapshot:
    base: dict[str, object] = {
        "taken_at": NOW,
        "consumers": [
            ConsumerBacklog(
                stream="DOCS", consumer="ingest", pending=3, ack_pending=1, redelivered=0
            )
        ],
        "heartbeats": HEALTHY_BEATS,
        "traffic": [ServiceTraffic(service="gateway", requests=1000, errors=2)],
        "memory_percent": 40.0,
        "cpu_percent": 20.0,
        "db_pools": [DbPoolUsage(service="ingest", in_use=2, size=10)],
    }
    base.update(changes)
    return PipelineSnapshot(**base)  # type: ignore[arg-type]


def engine(
    clock: list[float] | None = None, **limits: object
) -> tuple[AlertEngine, CollectorRegistry]:
    registry = CollectorRegistry()
    times = clock if clock is not None else [NOW]
    thresholds = AlertThresholds(**limits)  # type: ignore[arg-type]
    return AlertEngine(thresholds, registry, clock=lambda: times[0]), registry


CASES = [
    ("memory_high", {"memory_percent": 81.0}),
    ("cpu_high", {"cpu_percent": 90.0}),
    (
        "backlog_high:DOCS/ingest",
        {
            "consumers": [
                ConsumerBacklog(
                    stream="DOCS", consumer="ingest", pending=51, ack_pending=0, redelivered=4
                )
            ]
        },
    ),
    (
        "error_rate_high:gateway",
        {"traffic": [ServiceTraffic(service="gateway", requests=100, errors=6)]},
    ),
    ("db_pool_exhausted:ingest", {"db_pools": [DbPoolUsage(service="ingest", in_use=10, size=10)]}),
    ("dead_letters", {"dead_letters": 1}),
    ("service_missing:processor", {"heartbeats": HEALTHY_BEATS[:2]}),
    (
        "service_missing:ingest",
        {
            "heartbeats": [
                *HEALTHY_BEATS[::2],
                ServiceHeartbeat(service="ingest", last_seen=NOW - 31),
            ]
        },
    ),
]


@pytest.mark.parametrize(("alert", "changes"), CASES, ids=[case[0] for case in CASES])
def test_rule_fires_and_resolves(alert: str, changes: dict[str, object]) -> None:
    clock = [NOW]
    alerts, registry = engine(clock)
    assert alerts.update(snapshot()) == []

    clock[0] = NOW + 10
    [fired] = alerts.update(snapshot(**changes))
    assert (fired.alert, fired.status, fired.since) == (alert, "firing", NOW + 10)
    assert registry.get_sample_value("sum_alert_firing", {"alert": alert}) == 1
    view = alerts.view()
    assert [state.alert for state in view.firing] == [alert]

    clock[0] = NOW + 20
    assert alerts.update(snapshot(**changes)) == []  # still firing: no new transition
    assert alerts.view().firing[0].since == NOW + 10

    clock[0] = NOW + 30
    [resolved] = alerts.update(
        snapshot(
            taken_at=NOW + 30,
            heartbeats=[
                ServiceHeartbeat(service=b.service, last_seen=NOW + 30) for b in HEALTHY_BEATS
            ],
        )
    )
    assert (resolved.alert, resolved.status, resolved.since) == (alert, "resolved", NOW + 30)
    assert registry.get_sample_value("sum_alert_firing", {"alert": alert}) == 0
    assert [state.alert for state in alerts.view().resolved] == [alert]
    assert alerts.view().firing == []


def test_error_rate_needs_enough_requests() -> None:
    alerts, _ = engine()
    quiet = [ServiceTraffic(service="gateway", requests=10, errors=5)]
    assert alerts.update(snapshot(traffic=quiet)) == []


def test_resolved_alerts_are_forgotten_after_the_retention() -> None:
    clock = [NOW]
    alerts, registry = engine(clock, keep_resolved_seconds=60.0)
    alerts.update(snapshot(dead_letters=2))
    clock[0] = NOW + 1
    alerts.update(snapshot())
    clock[0] = NOW + 62
    alerts.evaluate()
    assert alerts.view().resolved == []
    assert registry.get_sample_value("sum_alert_firing", {"alert": "dead_letters"}) is None


async def test_periodic_evaluation_notices_a_silent_service() -> None:
    clock = [NOW]
    alerts, _ = engine(clock, evaluate_interval_seconds=0.01, service_missing_seconds=30.0)
    alerts.update(snapshot())
    await alerts.start()
    try:
        clock[0] = NOW + 31  # no new snapshot: the heartbeats simply get old
        await wait_for(lambda: len(alerts.view().firing) == 3)
    finally:
        await alerts.stop()
    assert {state.alert for state in alerts.view().firing} == {
        "service_missing:gateway",
        "service_missing:ingest",
        "service_missing:processor",
    }


async def test_webhook_receives_fire_and_resolve() -> None:
    collector = FakeCollector(statuses=[503])  # the first delivery is retried
    async with run_collector(collector) as url:
        alerts, registry = engine(webhook=url + "/hooks/sum")
        assert alerts.notifier is not None
        alerts.notifier._backoff = 0.01
        await alerts.start()
        try:
            alerts.update(snapshot(memory_percent=95.0))
            alerts.update(snapshot())
            await wait_for(lambda: len(collector.received) == 2)
        finally:
            await alerts.stop()
    fired, resolved = (json.loads(item.body) for item in collector.received)
    assert collector.received[0].path == "/hooks/sum"
    assert (fired["alert"], fired["status"], fired["value"]) == ("memory_high", "firing", 95.0)
    assert (resolved["alert"], resolved["status"]) == ("memory_high", "resolved")
    assert registry.get_sample_value("sum_monitor_alert_webhook_total", {"outcome": "sent"}) == 2


def test_thresholds_from_environment() -> None:
    limits = load_settings(
        MonitorSettings,
        {
            "SUM_MONITOR_ALERT_MEMORY_PERCENT": "70.5",
            "SUM_MONITOR_ALERT_BACKLOG_PENDING": "500",
            "SUM_MONITOR_ALERT_EXPECTED_SERVICES": "gateway, processor,",
            "SUM_MONITOR_ALERT_WEBHOOK": "http://hooks.internal/sum",
        },
    ).alerts
    assert limits.memory_percent == 70.5
    assert limits.backlog_pending == 500
    assert limits.expected_services == ("gateway", "processor")
    assert limits.webhook == "http://hooks.internal/sum"
    assert load_settings(MonitorSettings, {}).alerts.cpu_percent == 85.0
    with pytest.raises(SystemExit, match="backlog_pending"):
        load_settings(MonitorSettings, {"SUM_MONITOR_ALERT_BACKLOG_PENDING": "lots"})
