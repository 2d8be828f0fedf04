"""The one place where a handler's result becomes ack, nak(delay), hold, or dead-letter + term."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

import asyncpg
import nats.errors
import nats.js.errors

from shared.errors import PermanentError, RetryableError
from shared.resilience import CircuitOpenError


class Action(Enum):
    ACK = "ack"
    RETRY = "retry"
    # A dependency (PostgreSQL, NATS) is down: keep the message, heartbeat it and try again once
    # the dependency is back. An outage must not spend the message's delivery budget, or a
    # database restart would dead-letter every document that happened to be in flight.
    HOLD = "hold"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True)
class Outcome:
    action: Action
    delay: float = 0.0
    reason: str = ""
    error_type: str = ""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; ``max_deliver`` bounds the attempts."""

    base: float = 1.0
    cap: float = 60.0
    max_deliver: int = 6

    def delay(self, deliveries: int) -> float:
        ceiling = min(self.cap, self.base * 2 ** max(deliveries - 1, 0))
        # "Equal jitter": at least half the backoff, so retries never collapse to zero delay.
        return ceiling / 2 + random.uniform(0, ceiling / 2)


class DependencyUnavailable(RetryableError):
    """A dependency refused or dropped the work; raise it to ask the runner to hold the message."""


# Errors that can only come from infrastructure: the connection or the server is gone. They
# close the stage's gate at once, without asking a probe (which may pass while, say, a clustered
# stream is still electing its leader and publishes find no responder).
_INFRASTRUCTURE_TYPES: tuple[type[BaseException], ...] = (
    DependencyUnavailable,
    ConnectionRefusedError,
    ConnectionResetError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    nats.errors.ConnectionClosedError,
    nats.errors.NoRespondersError,
    nats.errors.StaleConnectionError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.OutboundBufferLimitError,
    nats.js.errors.NoStreamResponseError,  # a clustered stream without a leader, for one
    nats.js.errors.ServiceUnavailableError,
)
# Errors that *may* mean a dependency is down: the runner confirms with a probe before holding,
# so a message that times out while every dependency answers is retried (and dead-lettered).
_MAYBE_OUTAGE_TYPES: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,  # also nats.errors.TimeoutError and asyncio.TimeoutError
    asyncpg.InterfaceError,
    CircuitOpenError,  # a breaker around some other dependency is open
)


def is_infrastructure_failure(error: BaseException | None) -> bool:
    return isinstance(error, _INFRASTRUCTURE_TYPES)


def looks_like_outage(error: BaseException | None) -> bool:
    if error is None or isinstance(error, PermanentError):
        return False
    return isinstance(error, _INFRASTRUCTURE_TYPES + _MAYBE_OUTAGE_TYPES)


def decide(
    error: BaseException | None,
    deliveries: int,
    policy: RetryPolicy,
    *,
    dependencies_down: bool = False,
) -> Outcome:
    if error is None:
        return Outcome(Action.ACK)
    error_type = type(error).__name__
    reason = str(error) or error_type
    if isinstance(error, PermanentError):
        return Outcome(Action.DEAD_LETTER, reason=reason, error_type=error_type)
    if dependencies_down:
        return Outcome(Action.HOLD, reason=reason, error_type=error_type)
    # RetryableError and anything unexpected are retried until the delivery budget is spent.
    if deliveries >= policy.max_deliver:
        return Outcome(
            Action.DEAD_LETTER,
            reason=f"gave up after {deliveries} deliveries: {reason}",
            error_type=error_type,
        )
    return Outcome(
        Action.RETRY, delay=policy.delay(deliveries), reason=reason, error_type=error_type
    )
