"""Prometheus export of circuit-breaker states: pass ``export_breaker_state`` as the listener."""

from __future__ import annotations

from prometheus_client import Gauge

from shared.resilience.circuit_breaker import BreakerState

CIRCUIT_BREAKER_STATE = Gauge(
    "sum_circuit_breaker_state",
    "Circuit breaker state: 0=closed, 1=half_open, 2=open",
    ["name"],
)


def export_breaker_state(name: str, state: BreakerState) -> None:
    CIRCUIT_BREAKER_STATE.labels(name=name).set(int(state))
