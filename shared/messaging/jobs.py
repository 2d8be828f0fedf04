"""Handling one JetStream message from delivery to settlement.

The handler runs with ``in_progress()`` heartbeats; its result goes through ``outcomes.decide``
and becomes exactly one settlement: ack, nak(delay), or dead-letter record + term. A failure
caused by a dependency outage holds the message until the dependency is back (see gate.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nats.aio.msg import Msg
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from shared.errors import SumError
from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.delivery import Delivery
from shared.messaging.gate import DependencyGate
from shared.messaging.outcomes import Action, Outcome, RetryPolicy, decide, looks_like_outage
from shared.telemetry import metrics
from shared.telemetry.tracing import consumer_span

log = logging.getLogger(__name__)
tracer = trace.get_tracer("sum.messaging")

Handler = Callable[[Delivery], Awaitable[None]]
# Called before a message is dead-lettered, e.g. to mark its document failed; returns the
# document id when it can tell.
OnDeadLetter = Callable[[Delivery, str], Awaitable[str | None]]


def delivery_of(msg: Msg) -> Delivery:
    meta = msg.metadata
    return Delivery(
        subject=msg.subject,
        data=msg.data,
        headers=dict(msg.headers or {}),
        deliveries=meta.num_delivered or 1,
        stream_sequence=meta.sequence.stream if meta.sequence else 0,
        consumer=meta.consumer or "",
    )


@dataclass
class JobRunner:
    stage: str
    handler: Handler
    dead_letters: DeadLetterSink
    on_dead_letter: OnDeadLetter | None
    policy: RetryPolicy
    gate: DependencyGate
    stopping: asyncio.Event
    heartbeat_interval: float

    async def process(self, msg: Msg, settled: Callable[[], None]) -> None:
        """Handle ``msg``; ``settled()`` is called as it is acked, nak'd or termed."""
        delivery = delivery_of(msg)
        heartbeat = asyncio.create_task(self._heartbeat(msg))
        try:
            with consumer_span(
                tracer,
                delivery.subject,
                delivery.consumer,
                delivery.msg_id,
                delivery.deliveries,
                delivery.headers,
            ) as span:
                outcome = await self._handle_until_decided(delivery)
                if outcome is None:  # stopping while held: hand it back for immediate redelivery
                    await _settle(msg, settled, msg.nak)
                    return
                if outcome.action is not Action.ACK:
                    span.set_status(Status(StatusCode.ERROR, outcome.reason))
                await self._settle(msg, settled, delivery, outcome)
        finally:
            heartbeat.cancel()

    async def _handle_until_decided(self, delivery: Delivery) -> Outcome | None:
        while True:
            started = time.perf_counter()
            error: Exception | None = None
            try:
                await self.handler(delivery)
            except Exception as exc:
                error = exc
            metrics.stage_duration.labels(self.stage).observe(time.perf_counter() - started)
            down = looks_like_outage(error) and await self.gate.confirm_outage(error)
            outcome = decide(error, delivery.deliveries, self.policy, dependencies_down=down)
            if outcome.action is not Action.HOLD:
                if outcome.action is Action.RETRY:
                    log.warning(
                        "%s retry in %.1fs (delivery %d): %s",
                        self.stage,
                        outcome.delay,
                        delivery.deliveries,
                        outcome.reason,
                        exc_info=_trace_of(error),
                    )
                return outcome
            metrics.held_messages.labels(self.stage).inc()
            if not await self.gate.wait_open(self.stopping):
                return None

    async def _settle(
        self, msg: Msg, settled: Callable[[], None], delivery: Delivery, outcome: Outcome
    ) -> None:
        if outcome.action is Action.ACK:
            await _settle(msg, settled, msg.ack)
            metrics.documents.labels(self.stage, "succeeded").inc()
        elif outcome.action is Action.RETRY:
            metrics.retries.labels(self.stage).inc()
            await _settle(msg, settled, lambda: msg.nak(delay=outcome.delay))
        else:
            await self._dead_letter(msg, settled, delivery, outcome)

    async def _dead_letter(
        self, msg: Msg, settled: Callable[[], None], delivery: Delivery, outcome: Outcome
    ) -> None:
        log.warning("%s dead-lettering message %s: %s", self.stage, delivery.msg_id, outcome.reason)
        while True:
            try:
                # The record first: were the document marked failed first and the record then
                # lost, the redelivery would find a failed document and ack without a record.
                await self.dead_letters.record(
                    delivery, outcome.error_type, outcome.reason, delivery.document_id
                )
                if self.on_dead_letter is not None:
                    await self.on_dead_letter(delivery, outcome.reason)
                break
            except Exception as exc:
                if looks_like_outage(exc) and await self.gate.confirm_outage(exc):
                    if await self.gate.wait_open(self.stopping):
                        continue
                    await _settle(msg, settled, msg.nak)
                    return
                # The consumer allows a few deliveries beyond the policy's budget for this.
                log.warning("dead-lettering failed, will retry: %s", exc)
                await _settle(msg, settled, lambda: msg.nak(self.policy.delay(delivery.deliveries)))
                return
        await _settle(msg, settled, msg.term)
        metrics.documents.labels(self.stage, "dead_lettered").inc()

    async def _heartbeat(self, msg: Msg) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            with contextlib.suppress(Exception):
                await msg.in_progress()


async def _settle(
    msg: Msg, settled: Callable[[], None], settle: Callable[[], Awaitable[None]]
) -> None:
    settled()
    try:
        await settle()
    except Exception as exc:
        # Could not settle (connection lost): the server redelivers after ack_wait, and the
        # handlers are idempotent.
        log.warning("could not settle message %s: %s", msg.subject, exc)


def _trace_of(error: BaseException | None) -> BaseException | None:
    # Expected failures are logged as one line; only surprises carry a traceback.
    return None if isinstance(error, SumError) or error is None else error
