"""A stage's pull subscriptions, served in priority order, with a watchdog against deaf pulls.

A pull subscription can stop receiving after a server restart (nats.py #504) and a consumer can
vanish (a wiped store, an operator's mistake). Both look like "no messages", so the watchdog
re-creates the subscriptions after every reconnect of the client, and — when fetches have been
empty for a while — asks the server whether the consumers really have nothing for us.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from shared.messaging.topology import ConsumerSpec, ensure_consumer
from shared.telemetry import metrics

log = logging.getLogger(__name__)

# Short polls on the higher priorities, so a new high-priority message is never stuck behind a
# long wait on a quieter queue.
QUICK_POLL = 0.05


class PrioritySubscriptions:
    def __init__(
        self,
        js: JetStreamContext,
        specs: list[ConsumerSpec],
        stage: str,
        *,
        stall_after: float = 10.0,
        reconnects: Callable[[], int] | None = None,
    ) -> None:
        self.js = js
        self.specs = specs  # in priority order: the first is always served first
        self.stage = stage
        self.stall_after = stall_after
        self.reconnects = reconnects or (lambda: 0)
        self._subs: list[JetStreamContext.PullSubscription] = []
        self._seen_reconnects = 0
        self._last_message = time.monotonic()
        self._last_check = time.monotonic()
        self._last_fetch = time.monotonic()

    async def open(self) -> None:
        await self.close()
        self._seen_reconnects = self.reconnects()
        self._subs = [
            await self.js.pull_subscribe_bind(durable=spec.durable, stream=spec.stream)
            for spec in self.specs
        ]
        self._last_message = self._last_check = time.monotonic()

    async def close(self) -> None:
        # Pull subscriptions never mark fetched messages done, so draining them would wait for
        # nothing until the drain timeout: unsubscribe them before the connection drains.
        for sub in self._subs:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
        self._subs = []

    async def fetch(self, count: int, idle_wait: float) -> list[Msg]:
        now = time.monotonic()
        if now - self._last_fetch > self.stall_after:
            # The runner paused (all slots busy, or a dependency down): silence since the last
            # message says nothing about the subscription, so start the watch afresh.
            self._last_message = now
        self._last_fetch = now
        if self.reconnects() != self._seen_reconnects:
            log.info("%s: client reconnected, re-creating pull subscriptions", self.stage)
            metrics.resubscriptions.labels(self.stage, "reconnect").inc()
            await self.open()
        last = len(self._subs) - 1
        for index, sub in enumerate(self._subs):
            timeout = idle_wait if index == last else QUICK_POLL
            try:
                msgs = await sub.fetch(count, timeout=timeout)
            except (nats.errors.TimeoutError, TimeoutError):
                continue
            if msgs:
                self._last_message = time.monotonic()
                return msgs
        await self._check_if_stalled()
        return []

    async def _check_if_stalled(self) -> None:
        now = time.monotonic()
        if now - self._last_message < self.stall_after or now - self._last_check < self.stall_after:
            return
        self._last_check = now
        cause = await self._stall_cause()
        if cause is not None:
            metrics.resubscriptions.labels(self.stage, cause).inc()
            await self.open()

    async def _stall_cause(self) -> str | None:
        for spec in self.specs:
            try:
                info = await self.js.consumer_info(spec.stream, spec.durable)
            except NotFoundError:
                log.warning("consumer %s is gone: declaring it again", spec.durable)
                await ensure_consumer(self.js, spec)
                return "missing_consumer"
            except Exception as exc:  # the server is unreachable: fetch errors will say so
                log.warning("stall check of %s failed: %s", spec.durable, exc)
                return None
            deliverable = (info.num_pending or 0) > 0 and (
                info.num_ack_pending or 0
            ) < spec.max_ack_pending
            if deliverable:
                log.warning(
                    "%s has %d messages pending but fetches come back empty: resubscribing",
                    spec.durable,
                    info.num_pending,
                )
                return "stalled"
        return None
