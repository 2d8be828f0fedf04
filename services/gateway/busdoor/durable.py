"""The JetStream entrance: submits published to ``<ns>.tenants.<tenant>.submit.<v>.durable``.

Stream ``<NS>_SUBMISSIONS`` keeps them until the gateway's durable pull consumer ``busdoor`` has
handled them; the shared ``ConsumerRunner`` settles each one. A refusal that can never succeed
is answered (when the message names a ``Sum-Reply-To`` subject) and dead-lettered to
``<ns>.dlq.submit``; a refusal that may pass later (scanner outage, database down) is retried with
backoff and answered and dead-lettered only when the delivery budget is spent.
"""

from __future__ import annotations

import logging

from nats.aio.client import Client

from services.gateway.busdoor.desk import SubmissionDesk
from services.gateway.busdoor.requests import submit_tokens
from shared.errors import PermanentError, RetryableError
from shared.events.codec import encode
from shared.events.submission import (
    REPLY_TO_HEADER,
    SubmitReplyV1,
    durable_submit_subject,
    replies_prefix,
    submissions_stream,
)
from shared.messaging.delivery import Delivery
from shared.messaging.topology import ConsumerSpec

log = logging.getLogger(__name__)
STAGE = "submit"
DURABLE = "busdoor"


class SubmissionRefused(PermanentError):
    """The submission was answered ``rejected`` and can never succeed as it is."""


class SubmissionDeferred(RetryableError):
    """The submission was refused for now (e.g. the scanner is down): deliver it again later."""


def submission_consumer(namespace: str, max_deliver: int) -> ConsumerSpec:
    return ConsumerSpec(
        stream=submissions_stream(namespace),
        durable=DURABLE,
        filter_subject=durable_submit_subject(namespace, "*", "*"),
        max_deliver=max_deliver,
    )


class DurableEntrance:
    """The handler the consumer runner calls for each stored submit."""

    def __init__(self, nc: Client, desk: SubmissionDesk, max_deliver: int) -> None:
        self.nc = nc
        self.desk = desk
        self.max_deliver = max_deliver

    async def handle(self, delivery: Delivery) -> None:
        tokens = submit_tokens(self.desk.namespace, delivery.subject)
        if tokens is None:
            raise SubmissionRefused(f"not a submit subject: {delivery.subject}")
        tenant, version = tokens
        reply = await self.desk.submit(tenant, version, delivery.data)
        if reply.status != "rejected":
            await self._answer(delivery, tenant, reply)
            return
        reason = f"{reply.problem_type}: {reply.reason}"
        if not reply.retryable:
            await self._answer(delivery, tenant, reply)
            raise SubmissionRefused(reason)
        if delivery.deliveries >= self.max_deliver:
            await self._answer(delivery, tenant, reply)
        raise SubmissionDeferred(reason)

    async def _answer(self, delivery: Delivery, tenant: str, reply: SubmitReplyV1) -> None:
        reply_to = delivery.headers.get(REPLY_TO_HEADER)
        if not reply_to:
            return
        # Only the tenant's own replies subtree: a producer must not be able to make the gateway
        # write into another tenant's subjects.
        allowed = replies_prefix(self.desk.namespace, tenant) + "."
        if not reply_to.startswith(allowed) or any(c in reply_to for c in "*> \t"):
            log.info("ignoring reply subject outside %s*", allowed)
            return
        try:
            await self.nc.publish(reply_to, encode(reply))
        except Exception as exc:  # the answer is a courtesy; the dead letter is the record
            log.warning("could not answer a durable submit: %s", exc)
