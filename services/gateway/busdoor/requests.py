"""The request/reply entrance: a core NATS queue subscription on ``<ns>.tenants.*.submit.*``.

Every gateway replica joins the same queue group, so each request is answered once. nats-py runs a
subscription's callback one message at a time; each request is handled in its own task (at most
``concurrency`` at once) so a large object reference does not hold up small inline submits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from services.gateway.busdoor.desk import SubmissionDesk
from shared.events.codec import encode
from shared.events.submission import submit_subject
from shared.telemetry.tracing import consumer_span, get_tracer

log = logging.getLogger(__name__)
QUEUE_GROUP = "sum-busdoor"


def submit_tokens(namespace: str, subject: str) -> tuple[str, str] | None:
    """``<ns>.tenants.<tenant>.submit.<version>[.durable]`` → (tenant, version)."""
    prefix = f"{namespace}.tenants."
    if not subject.startswith(prefix):
        return None
    tokens = subject[len(prefix) :].split(".")
    if len(tokens) not in (3, 4) or tokens[1] != "submit":
        return None
    return tokens[0], tokens[2]


class RequestEntrance:
    def __init__(self, nc: Client, desk: SubmissionDesk, concurrency: int = 16) -> None:
        self.nc = nc
        self.desk = desk
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._sub: Subscription | None = None

    async def start(self) -> None:
        subject = submit_subject(self.desk.namespace, "*", "*")
        self._sub = await self.nc.subscribe(subject, queue=QUEUE_GROUP, cb=self._on_message)

    async def stop(self, timeout: float = 10.0) -> None:
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
            self._sub = None
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout)

    async def _on_message(self, msg: Msg) -> None:
        # Waiting for a free slot here pushes back on the subscription (messages queue up in
        # the client, and other replicas of the queue group take a larger share).
        await self._slots.acquire()
        task = asyncio.create_task(self._answer(msg))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, msg: Msg) -> None:
        try:
            tokens = submit_tokens(self.desk.namespace, msg.subject)
            if tokens is None:  # cannot happen with our subscription; never crash on it
                return
            headers = dict(msg.headers or {})
            with consumer_span(get_tracer(__name__), msg.subject, QUEUE_GROUP, None, 1, headers):
                reply = await self.desk.submit(*tokens, msg.data)
            if msg.reply:
                await self.nc.publish(msg.reply, encode(reply))
            else:
                log.info("submit without a reply subject: %s", reply.status)
        except Exception:
            log.exception("could not answer a submit request")
        finally:
            self._slots.release()
