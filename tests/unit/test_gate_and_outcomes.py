"""The dependency gate and the outage rules of ``decide`` (no servers needed)."""

import asyncio

import asyncpg
import pytest

from shared.errors import PermanentError, RetryableError
from shared.messaging.gate import DependencyGate
from shared.messaging.outcomes import Action, RetryPolicy, decide, looks_like_outage
from shared.resilience import BreakerState, CircuitOpenError
from tests.conftest import wait_for

POLICY = RetryPolicy(base=1.0, cap=8.0, max_deliver=4)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("refused"),
        TimeoutError(),
        asyncpg.CannotConnectNowError("starting up"),
        CircuitOpenError("postgres", 1.0),
    ],
)
def test_outage_shaped_errors_are_candidates_for_holding(error) -> None:
    assert looks_like_outage(error)


def test_bugs_and_permanent_errors_never_look_like_outages() -> None:
    assert not looks_like_outage(ValueError("bug"))
    assert not looks_like_outage(PermanentError("bad payload"))
    assert not looks_like_outage(None)


def test_a_confirmed_outage_holds_even_on_the_last_delivery() -> None:
    error = RetryableError("db down")
    assert decide(error, 4, POLICY, dependencies_down=True).action is Action.HOLD
    assert decide(error, 4, POLICY).action is Action.DEAD_LETTER
    # A permanent error is dead-lettered whatever the dependencies do.
    assert decide(PermanentError("bad"), 1, POLICY, dependencies_down=True).action is (
        Action.DEAD_LETTER
    )


async def test_gate_closes_on_a_failing_probe_and_opens_when_it_passes() -> None:
    up = asyncio.Event()

    async def probe() -> None:
        if not up.is_set():
            raise ConnectionRefusedError("postgres is down")

    gate = DependencyGate("unit", probe, retry_every=0.05)
    assert await gate.confirm_outage()
    assert not gate.is_open and gate.breaker.state is not BreakerState.CLOSED
    assert "postgres is down" in gate.reason
    stopping = asyncio.Event()
    waiter = asyncio.create_task(gate.wait_open(stopping))
    up.set()
    assert await asyncio.wait_for(waiter, 5) is True
    assert gate.breaker.state is BreakerState.CLOSED
    assert not await gate.confirm_outage()  # the probe passes: not an outage
    await gate.close()


async def test_waiting_on_a_closed_gate_ends_when_stopping() -> None:
    async def probe() -> None:
        raise ConnectionRefusedError("down for good")

    gate = DependencyGate("unit2", probe, retry_every=0.05)
    assert await gate.confirm_outage()
    stopping = asyncio.Event()
    waiter = asyncio.create_task(gate.wait_open(stopping))

    async def probed_again() -> bool:
        return gate.breaker.state is not BreakerState.CLOSED

    await wait_for(probed_again, timeout=2)
    stopping.set()
    assert await asyncio.wait_for(waiter, 5) is False
    await gate.close()


async def test_without_a_probe_nothing_is_ever_held() -> None:
    gate = DependencyGate("unit3", None)
    assert not await gate.confirm_outage() and gate.is_open
