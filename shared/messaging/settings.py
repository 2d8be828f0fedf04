"""Reliability settings every consuming stage shares, read from ``SUM_*`` like the rest."""

from __future__ import annotations

import msgspec

from shared.messaging.outcomes import RetryPolicy


class ReliabilitySettings(msgspec.Struct, kw_only=True):
    # Deliveries of a failing message before it is dead-lettered, and the nak backoff.
    max_deliver: int = 6
    retry_base: float = 1.0
    retry_cap: float = 60.0
    # How long the server waits for an ack before redelivering; heartbeats keep long jobs alive.
    ack_wait: float = 60.0
    # Fetches empty for this long make the runner ask the server whether it is being ignored.
    stall_after: float = 10.0
    # Fault injection for the fault suite: every message of this tenant fails in every stage
    # with an unexpected error, so it exercises retries, backoff and the dead-letter stream.
    fault_fail_tenant: str = ""

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.retry_base, self.retry_cap, self.max_deliver)
