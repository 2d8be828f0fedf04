"""Republishes each document event under its tenant, so a producer can follow only its own
documents: ``<ns>.documents.<status>.v1.<priority>`` becomes
``<ns>.tenants.<tenant>.documents.<id>.<status>.v1``.

The relay is a core NATS queue subscription (group ``sum-busdoor-relay``, one delivery per event
across gateway replicas): it consumes nothing from the pipeline's stream, and the payload and
trace headers are passed on unchanged. Core NATS is at-most-once: an event published while no
gateway is connected is not relayed, and a stage that republishes after a crash may relay an event
twice. The document's status in the HTTP API stays the source of truth.
"""

from __future__ import annotations

import contextlib
import logging

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from shared.events.catalog import Names
from shared.events.submission import STATUSES, result_subject, valid_tenant
from shared.telemetry import metrics

log = logging.getLogger(__name__)
QUEUE_GROUP = "sum-busdoor-relay"


class _Owner(msgspec.Struct):
    """The two fields every document event has; the rest of the payload is passed on as is."""

    document_id: str
    tenant: str


_owner = msgspec.json.Decoder(_Owner)


def relay_subject(namespace: str, subject: str, payload: bytes) -> str | None:
    """Where an internal document event is republished, or None when it cannot be routed."""
    tokens = subject.split(".")
    # <ns>.documents.<status>.v<N>.<priority>
    if len(tokens) != 5 or tokens[0] != namespace or tokens[1] != "documents":
        return None
    status, version = tokens[2], tokens[3]
    if status not in STATUSES or version != "v1":
        return None
    try:
        owner = _owner.decode(payload)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not valid_tenant(owner.tenant) or not _is_token(owner.document_id):
        return None
    return result_subject(namespace, owner.tenant, owner.document_id, status)


def _is_token(value: str) -> bool:
    return bool(value) and not any(c in value for c in ".*> \t\r\n")


class ResultRelay:
    def __init__(self, nc: Client, names: Names) -> None:
        self.nc = nc
        self.names = names
        self._sub: Subscription | None = None

    async def start(self) -> None:
        self._sub = await self.nc.subscribe(
            self.names.documents_wildcard(), queue=QUEUE_GROUP, cb=self._on_event
        )

    async def stop(self) -> None:
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
            self._sub = None

    async def _on_event(self, msg: Msg) -> None:
        target = relay_subject(self.names.namespace, msg.subject, msg.data)
        if target is None:
            log.warning("cannot relay an event on %s to its tenant", msg.subject)
            return
        try:
            # A trace continues across the relay; the JetStream message id is meaningless here.
            headers = {k: v for k, v in (msg.headers or {}).items() if k != "Nats-Msg-Id"}
            await self.nc.publish(target, msg.data, headers=headers or None)
            metrics.documents.labels("busdoor-relay", "relayed").inc()
        except Exception as exc:
            log.warning("could not relay %s: %s", msg.subject, exc)
