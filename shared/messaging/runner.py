"""The consumer runner used by every stage: batched pulls, priorities, bounded concurrency,
heartbeats while a job runs, and settlement through ``outcomes.decide``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from shared.errors import SumError
from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.delivery import Delivery
from shared.messaging.outcomes import Action, Outcome, RetryPolicy, decide
from shared.messaging.topology import ConsumerSpec
from shared.telemetry import metrics
from shared.telemetry.propagation import extract_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("sum.messaging")

Handler = Callable[[Delivery], Awaitable[None]]
# Called before a message is dead-lettered, e.g. to mark its document failed; returns the
# document id when it can tell.
OnDeadLetter = Callable[[Delivery, str], Awaitable[str | None]]

# After this many empty polling rounds, check whether the server still has messages for us:
# a pull subscription can go deaf after a server restart (nats.py #504).
STALL_CHECK_ROUNDS = 20


class ConsumerRunner:
    def __init__(
        self,
        *,
        js: JetStreamContext,
        specs: list[ConsumerSpec],
        stage: str,
        handler: Handler,
        dead_letters: DeadLetterSink,
        on_dead_letter: OnDeadLetter | None = None,
        policy: RetryPolicy | None = None,
        batch: int = 32,
        concurrency: int = 8,
        idle_wait: float = 1.0,
    ) -> None:
        self.js = js
        self.specs = specs  # in priority order: the first is always served first
        self.stage = stage
        self.handler = handler
        self.dead_letters = dead_letters
        self.on_dead_letter = on_dead_letter
        self.policy = policy or RetryPolicy()
        self.batch = batch
        self.concurrency = concurrency
        self.idle_wait = idle_wait
        self._subs: list[JetStreamContext.PullSubscription] = []
        self._inflight: set[asyncio.Task[None]] = set()
        self.healthy = False

    async def run(self, stopping: asyncio.Event, drain_timeout: float = 10.0) -> None:
        await self._subscribe()
        empty_rounds = 0
        while not stopping.is_set():
            free = self.concurrency - len(self._inflight)
            if free <= 0:
                await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                msgs = await self._fetch(min(free, self.batch))
                self.healthy = True
            except Exception as exc:  # connection trouble: keep trying, never die
                self.healthy = False
                log.warning("fetch failed for %s: %r", self.stage, exc)
                await _wait(stopping, 1.0)
                with contextlib.suppress(Exception):
                    await self._subscribe()
                continue
            if not msgs:
                empty_rounds += 1
                if empty_rounds >= STALL_CHECK_ROUNDS:
                    empty_rounds = 0
                    await self._resubscribe_if_stalled()
                continue
            empty_rounds = 0
            for msg in msgs:
                task = asyncio.create_task(self._process(msg))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
        await self._finish_inflight(drain_timeout)
        # Pull subscriptions never mark fetched messages done, so draining them would wait
        # for nothing until the drain timeout: close them before the connection drains.
        await self._unsubscribe()

    async def _unsubscribe(self) -> None:
        for sub in self._subs:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
        self._subs = []

    async def _subscribe(self) -> None:
        await self._unsubscribe()
        self._subs = [
            await self.js.pull_subscribe_bind(durable=spec.durable, stream=spec.stream)
            for spec in self.specs
        ]

    async def _fetch(self, count: int) -> list[Msg]:
        last = len(self._subs) - 1
        for index, sub in enumerate(self._subs):
            # Only the lowest priority waits long; the others are polled so that a new
            # high-priority message is never stuck behind a long wait on a quieter queue.
            timeout = self.idle_wait if index == last else 0.05
            try:
                msgs = await sub.fetch(count, timeout=timeout)
            except (nats.errors.TimeoutError, TimeoutError):
                continue
            if msgs:
                return msgs
        return []

    async def _resubscribe_if_stalled(self) -> None:
        try:
            for spec in self.specs:
                info = await self.js.consumer_info(spec.stream, spec.durable)
                if info.num_pending:
                    log.warning(
                        "%s has %d pending but fetches are empty: resubscribing",
                        spec.durable,
                        info.num_pending,
                    )
                    await self._subscribe()
                    return
        except Exception as exc:
            log.warning("stall check failed: %s", exc)

    async def _process(self, msg: Msg) -> None:
        meta = msg.metadata
        delivery = Delivery(
            subject=msg.subject,
            data=msg.data,
            headers=dict(msg.headers or {}),
            deliveries=meta.num_delivered or 1,
            stream_sequence=meta.sequence.stream if meta.sequence else 0,
            consumer=meta.consumer or "",
        )
        attributes: dict[str, str | int] = {
            "messaging.system": "nats",
            "messaging.operation.type": "process",
            "messaging.destination.name": delivery.subject,
            "messaging.consumer.group.name": delivery.consumer,
            "messaging.message.id": delivery.msg_id or "",
            "messaging.nats.message.delivery_count": delivery.deliveries,
        }
        with tracer.start_as_current_span(
            f"process {delivery.subject}",
            context=extract_context(delivery.headers),
            kind=SpanKind.CONSUMER,
            attributes=attributes,
        ) as span:
            started = time.perf_counter()
            error = await self._run_handler(msg, delivery)
            metrics.stage_duration.labels(self.stage).observe(time.perf_counter() - started)
            outcome = decide(error, delivery.deliveries, self.policy)
            if error is not None:
                span.set_status(Status(StatusCode.ERROR, outcome.reason))
            await self._settle(msg, delivery, outcome, error)

    async def _run_handler(self, msg: Msg, delivery: Delivery) -> BaseException | None:
        heartbeat = asyncio.create_task(self._heartbeat(msg))
        try:
            await self.handler(delivery)
            return None
        except Exception as exc:
            return exc
        finally:
            heartbeat.cancel()

    async def _heartbeat(self, msg: Msg) -> None:
        interval = max(self.specs[0].ack_wait / 3, 1.0)
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                await msg.in_progress()

    async def _settle(
        self, msg: Msg, delivery: Delivery, outcome: Outcome, error: BaseException | None
    ) -> None:
        try:
            if outcome.action is Action.ACK:
                await msg.ack()
                metrics.documents.labels(self.stage, "succeeded").inc()
            elif outcome.action is Action.RETRY:
                log.warning(
                    "%s retry in %.1fs (delivery %d): %s",
                    self.stage,
                    outcome.delay,
                    delivery.deliveries,
                    outcome.reason,
                    exc_info=_trace_of(error),
                )
                metrics.retries.labels(self.stage).inc()
                await msg.nak(delay=outcome.delay)
            else:
                await self._dead_letter(msg, delivery, outcome)
        except Exception as exc:
            # Could not settle (connection lost): the server redelivers after ack_wait.
            log.warning("could not settle %s message: %s", self.stage, exc)

    async def _dead_letter(self, msg: Msg, delivery: Delivery, outcome: Outcome) -> None:
        log.warning("%s dead-lettering message %s: %s", self.stage, delivery.msg_id, outcome.reason)
        try:
            document_id = None
            if self.on_dead_letter is not None:
                document_id = await self.on_dead_letter(delivery, outcome.reason)
            await self.dead_letters.record(
                delivery, outcome.error_type, outcome.reason, document_id
            )
        except Exception as exc:
            log.warning("dead-lettering failed, will retry: %s", exc)
            await msg.nak(delay=self.policy.delay(delivery.deliveries))
            return
        await msg.term()
        metrics.documents.labels(self.stage, "dead_lettered").inc()

    async def _finish_inflight(self, timeout: float) -> None:
        if not self._inflight:
            return
        _, pending = await asyncio.wait(self._inflight, timeout=timeout)
        for task in pending:
            # Cancelled jobs were never acked: the server redelivers them after ack_wait.
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*pending, return_exceptions=True)


def _trace_of(error: BaseException | None) -> BaseException | None:
    # Expected failures are logged as one line; only surprises carry a traceback.
    return None if isinstance(error, SumError) or error is None else error


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
