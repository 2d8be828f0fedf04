"""The consumer runner used by every stage: batched pulls in priority order, bounded concurrency,
a dependency gate, and a shutdown that hands unfinished work straight back to the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from nats.aio.msg import Msg
from nats.js import JetStreamContext

from shared.messaging.deadletters import DeadLetterSink
from shared.messaging.gate import DependencyGate, Probe
from shared.messaging.jobs import Handler, JobRunner, OnDeadLetter
from shared.messaging.outcomes import RetryPolicy
from shared.messaging.subscriptions import PrioritySubscriptions
from shared.messaging.topology import ConsumerSpec

__all__ = ["ConsumerRunner", "Handler", "OnDeadLetter"]

log = logging.getLogger(__name__)


@dataclass(eq=False)
class InFlight:
    msg: Msg
    settled: bool = False

    def mark_settled(self) -> None:
        self.settled = True


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
        probe: Probe | None = None,
        reconnects: Callable[[], int] | None = None,
        stall_after: float = 10.0,
    ) -> None:
        self.stage = stage
        self.batch = batch
        self.concurrency = concurrency
        self.idle_wait = idle_wait
        self.stopping = asyncio.Event()
        self.gate = DependencyGate(stage, probe)
        self.subscriptions = PrioritySubscriptions(
            js, specs, stage, stall_after=stall_after, reconnects=reconnects
        )
        self.jobs = JobRunner(
            stage=stage,
            handler=handler,
            dead_letters=dead_letters,
            on_dead_letter=on_dead_letter,
            policy=policy or RetryPolicy(),
            gate=self.gate,
            stopping=self.stopping,
            heartbeat_interval=max(min(spec.ack_wait for spec in specs) / 3, 1.0),
        )
        self._inflight: dict[asyncio.Task[None], InFlight] = {}
        self.fetching = False

    @property
    def healthy(self) -> bool:
        """Fetching works and no dependency is down: what readiness reports for the stage."""
        return self.fetching and self.gate.is_open

    async def run(self, stopping: asyncio.Event, drain_timeout: float = 10.0) -> None:
        relay = asyncio.create_task(_relay(stopping, self.stopping))
        try:
            await self.subscriptions.open()
            await self._loop()
            await self._finish_inflight(drain_timeout)
        finally:
            relay.cancel()
            await self.subscriptions.close()
            await self.gate.close()

    async def _loop(self) -> None:
        while not self.stopping.is_set():
            if not self.gate.is_open:
                await self.gate.wait_open(self.stopping)
                continue
            free = self.concurrency - len(self._inflight)
            if free <= 0:
                await self._wait_for_a_free_slot()
                continue
            try:
                msgs = await self.subscriptions.fetch(min(free, self.batch), self.idle_wait)
                self.fetching = True
            except Exception as exc:  # connection trouble: keep trying, never die
                self.fetching = False
                log.warning("fetch failed for %s: %r", self.stage, exc)
                await _wait(self.stopping, 1.0)
                with contextlib.suppress(Exception):
                    await self.subscriptions.open()
                continue
            for msg in msgs:
                if self.stopping.is_set():
                    # Fetched while shutting down: give it back for immediate redelivery.
                    with contextlib.suppress(Exception):
                        await msg.nak()
                    continue
                job = InFlight(msg)
                task = asyncio.create_task(self.jobs.process(msg, job.mark_settled))
                self._inflight[task] = job
                task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._inflight.pop(task, None)

    async def _wait_for_a_free_slot(self) -> None:
        stop = asyncio.ensure_future(self.stopping.wait())
        try:
            await asyncio.wait({*self._inflight, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()

    async def _finish_inflight(self, timeout: float) -> None:
        """Let running jobs finish within ``timeout``; nak the rest so they are redelivered now
        (to another replica, or to this one after a restart) instead of after ``ack_wait``."""
        if not self._inflight:
            return
        log.info("%s finishing %d in-flight messages", self.stage, len(self._inflight))
        jobs = dict(self._inflight)
        _, pending = await asyncio.wait(set(jobs), timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        handed_back = 0
        for task in pending:
            if jobs[task].settled:
                continue
            with contextlib.suppress(Exception):
                await jobs[task].msg.nak()
                handed_back += 1
        if handed_back:
            log.info("%s handed %d unfinished messages back", self.stage, handed_back)


async def _relay(source: asyncio.Event, target: asyncio.Event) -> None:
    await source.wait()
    target.set()


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
