"""Evaluate the rules against the latest snapshot and track firing/resolved states.

The feeder calls :meth:`AlertEngine.update` with each new snapshot; :meth:`AlertEngine.run`
also re-evaluates on a timer so time-based rules (missing heartbeats) fire even when the
feeder itself has stalled.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

from prometheus_client import CollectorRegistry, Gauge

from services.monitor.work_queue import cancel_all

from .config import AlertThresholds
from .notifier import WebhookNotifier
from .rules import DEFAULT_RULES, Finding, Rule
from .snapshot import PipelineSnapshot
from .state import AlertEvent, AlertState, AlertsView


class AlertEngine:
    def __init__(
        self,
        thresholds: AlertThresholds,
        registry: CollectorRegistry,
        rules: Sequence[Rule] = DEFAULT_RULES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.thresholds = thresholds
        self._rules = tuple(rules)
        self._clock = clock
        self._snapshot: PipelineSnapshot | None = None
        self._states: dict[str, AlertState] = {}
        self._evaluated_at: float | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.firing_gauge = Gauge(
            "sum_alert_firing",
            "1 while the alert fires, 0 once resolved.",
            ["alert"],
            registry=registry,
        )
        self.notifier: WebhookNotifier | None = None
        if thresholds.webhook:
            self.notifier = WebhookNotifier(
                thresholds.webhook, registry, thresholds.webhook_timeout_seconds
            )

    def update(self, snapshot: PipelineSnapshot) -> list[AlertEvent]:
        """Take a new snapshot and evaluate it at once."""
        self._snapshot = snapshot
        return self.evaluate()

    def evaluate(self, now: float | None = None) -> list[AlertEvent]:
        """Apply every rule; returns the transitions (also sent to the webhook)."""
        if self._snapshot is None:
            return []
        now = self._clock() if now is None else now
        findings: dict[str, Finding] = {}
        for rule in self._rules:
            for finding in rule(self._snapshot, self.thresholds, now):
                findings[finding.alert] = finding
        events = [self._fire_or_refresh(f, now) for f in findings.values()]
        events += [self._resolve(state, now) for state in self._firing_without(findings)]
        self._forget_old_resolved(now)
        self._evaluated_at = now
        transitions = [event for event in events if event is not None]
        if self.notifier is not None:
            for event in transitions:
                self.notifier.notify(event)
        return transitions

    def _firing_without(self, findings: dict[str, Finding]) -> list[AlertState]:
        return [s for k, s in self._states.items() if s.status == "firing" and k not in findings]

    def _fire_or_refresh(self, finding: Finding, now: float) -> AlertEvent | None:
        state = self._states.get(finding.alert)
        if state is not None and state.status == "firing":
            state.value, state.summary = finding.value, finding.summary
            return None
        self._states[finding.alert] = state = AlertState(
            alert=finding.alert,
            rule=finding.rule,
            severity=finding.severity,
            status="firing",
            since=now,
            summary=finding.summary,
            value=finding.value,
            threshold=finding.threshold,
            fired_at=now,
        )
        self.firing_gauge.labels(finding.alert).set(1)
        return _event(state)

    def _resolve(self, state: AlertState, now: float) -> AlertEvent:
        state.status, state.since = "resolved", now
        self.firing_gauge.labels(state.alert).set(0)
        return _event(state)

    def _forget_old_resolved(self, now: float) -> None:
        horizon = now - self.thresholds.keep_resolved_seconds
        for key, state in list(self._states.items()):
            if state.status == "resolved" and state.since < horizon:
                del self._states[key]
                with contextlib.suppress(KeyError):
                    self.firing_gauge.remove(key)

    def view(self) -> AlertsView:
        states = sorted(self._states.values(), key=lambda s: s.since, reverse=True)
        return AlertsView(
            evaluated_at=self._evaluated_at,
            firing=[s for s in states if s.status == "firing"],
            resolved=[s for s in states if s.status == "resolved"],
        )

    async def start(self) -> None:
        if self._tasks:
            return
        self._tasks.append(asyncio.create_task(self.run(), name="monitor-alerts"))
        if self.notifier is not None:
            self._tasks.append(asyncio.create_task(self.notifier.run(), name="alert-webhook"))

    async def stop(self) -> None:
        await cancel_all(self._tasks)

    async def run(self) -> None:
        """Re-evaluate the latest snapshot every ``evaluate_interval_seconds``."""
        while True:
            await asyncio.sleep(self.thresholds.evaluate_interval_seconds)
            self.evaluate()


def _event(state: AlertState) -> AlertEvent:
    return AlertEvent(
        alert=state.alert,
        rule=state.rule,
        severity=state.severity,
        status=state.status,
        since=state.since,
        summary=state.summary,
        value=state.value,
        threshold=state.threshold,
    )
