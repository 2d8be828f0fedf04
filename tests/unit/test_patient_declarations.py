"""Start-up declarations wait out a JetStream that briefly cannot answer, within a deadline."""

import pytest
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import BadRequestError, ServiceUnavailableError

from shared.messaging.topology import patiently


async def test_timeouts_and_503s_are_waited_out() -> None:
    failures: list[Exception] = [NatsTimeoutError(), ServiceUnavailableError()]

    async def declare() -> str:
        if failures:
            raise failures.pop(0)
        return "declared"

    assert await patiently(declare, patience=5) == "declared"
    assert failures == []


async def test_it_gives_up_at_the_deadline() -> None:
    calls = 0

    async def declare() -> None:
        nonlocal calls
        calls += 1
        raise NatsTimeoutError()

    with pytest.raises(NatsTimeoutError):
        await patiently(declare, patience=0.3)
    assert calls >= 1


async def test_a_refused_declaration_is_not_retried() -> None:
    calls = 0

    async def declare() -> None:
        nonlocal calls
        calls += 1
        raise BadRequestError()

    with pytest.raises(BadRequestError):
        await patiently(declare, patience=5)
    assert calls == 1
