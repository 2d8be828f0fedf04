from typing import Any

import pytest
from prometheus_client import REGISTRY

from shared.resilience import BreakerState, CircuitBreaker, CircuitOpenError
from shared.resilience.metrics import export_breaker_state


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Boom(Exception):
    pass


async def fail() -> None:
    raise Boom


async def succeed() -> str:
    return "ok"


def breaker(clock: FakeClock, **kwargs: Any) -> CircuitBreaker:
    return CircuitBreaker("dep", failure_threshold=3, reset_timeout=30, clock=clock, **kwargs)


async def test_it_opens_after_n_consecutive_failures_and_refuses_at_once() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(2):
        with pytest.raises(Boom):
            await circuit.call(fail)
    assert circuit.state is BreakerState.CLOSED
    with pytest.raises(Boom):
        await circuit.call(fail)
    assert circuit.state is BreakerState.OPEN
    clock.now += 10
    with pytest.raises(CircuitOpenError) as caught:
        await circuit.call(succeed)
    assert caught.value.retry_after == pytest.approx(20)


async def test_a_success_resets_the_consecutive_count() -> None:
    circuit = breaker(FakeClock())
    for _ in range(5):
        with pytest.raises(Boom):
            await circuit.call(fail)
        with pytest.raises(Boom):
            await circuit.call(fail)
        assert await circuit.call(succeed) == "ok"
    assert circuit.state is BreakerState.CLOSED


async def test_after_the_cool_down_one_probe_closes_it_again() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(3):
        with pytest.raises(Boom):
            await circuit.call(fail)
    clock.now += 30
    assert circuit.state is BreakerState.HALF_OPEN
    probe = circuit.acquire()
    with pytest.raises(CircuitOpenError):
        circuit.acquire()  # one probe at a time
    probe.success()
    assert circuit.state is BreakerState.CLOSED
    assert circuit.consecutive_failures == 0


async def test_a_failed_probe_opens_it_for_another_cool_down() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(3):
        with pytest.raises(Boom):
            await circuit.call(fail)
    clock.now += 31
    with pytest.raises(Boom):
        await circuit.call(fail)
    assert circuit.state is BreakerState.OPEN
    clock.now += 29
    assert circuit.state is BreakerState.OPEN
    clock.now += 1
    assert circuit.state is BreakerState.HALF_OPEN


async def test_a_released_probe_lets_the_next_caller_probe() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    for _ in range(3):
        circuit.acquire().failure()
    clock.now += 30
    circuit.acquire().release()
    assert circuit.state is BreakerState.HALF_OPEN
    async with circuit.acquire():
        pass
    assert circuit.state is BreakerState.CLOSED


async def test_ignored_exceptions_do_not_count() -> None:
    circuit = breaker(FakeClock(), ignored=(Boom,))
    for _ in range(10):
        with pytest.raises(Boom):
            await circuit.call(fail)
    assert circuit.state is BreakerState.CLOSED


async def test_late_failures_from_before_the_trip_change_nothing() -> None:
    clock = FakeClock()
    circuit = breaker(clock)
    slow = circuit.acquire()
    for _ in range(3):
        circuit.acquire().failure()
    clock.now += 30
    slow.failure()  # started while closed, reports while half-open
    assert circuit.state is BreakerState.HALF_OPEN
    permit = circuit.acquire()
    permit.success()
    permit.failure()  # the first outcome wins
    assert circuit.state is BreakerState.CLOSED


async def test_state_changes_are_exported_as_a_gauge() -> None:
    clock = FakeClock()
    circuit = breaker(clock, on_state_change=export_breaker_state)

    def gauge() -> float | None:
        return REGISTRY.get_sample_value("sum_circuit_breaker_state", {"name": "dep"})

    assert gauge() == 0
    for _ in range(3):
        circuit.acquire().failure()
    assert gauge() == 2
    clock.now += 30
    circuit.acquire().success()
    assert gauge() == 0
    assert circuit.state is BreakerState.CLOSED


async def test_a_broken_listener_does_not_break_calls() -> None:
    def broken(name: str, state: BreakerState) -> None:
        raise RuntimeError("metrics backend down")

    circuit = breaker(FakeClock(), on_state_change=broken)
    for _ in range(3):
        circuit.acquire().failure()
    assert circuit.state is BreakerState.OPEN


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker("x", failure_threshold=0)
