"""The one place where a handler's result becomes ack, nak(delay) or dead-letter + term."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from shared.errors import PermanentError


class Action(Enum):
    ACK = "ack"
    RETRY = "retry"
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


def decide(error: BaseException | None, deliveries: int, policy: RetryPolicy) -> Outcome:
    if error is None:
        return Outcome(Action.ACK)
    error_type = type(error).__name__
    reason = str(error) or error_type
    if isinstance(error, PermanentError):
        return Outcome(Action.DEAD_LETTER, reason=reason, error_type=error_type)
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
