"""Helpers for tests that submit over NATS the way a producer would."""

from __future__ import annotations

import uuid

import msgspec
from nats.aio.client import Client

from shared.events import SubmitDocumentV1, SubmitReplyV1
from shared.events.submission import submit_subject


def unique_text(topic: str) -> str:
    """Text about ``topic`` whose bytes are new (dedup is per tenant and content)."""
    return (
        f"The {topic} report {uuid.uuid4().hex}.\n\nThis document is about the {topic}. "
        f"Visitors describe the {topic} as remarkable. The {topic} has a long history."
    )


async def request(
    nc: Client, namespace: str, tenant: str, payload: SubmitDocumentV1 | bytes, version: str = "v1"
) -> SubmitReplyV1:
    data = payload if isinstance(payload, bytes) else msgspec.json.encode(payload)
    answer = await nc.request(submit_subject(namespace, tenant, version), data, timeout=10)
    return msgspec.json.decode(answer.data, type=SubmitReplyV1)
