"""Marking a document failed when a stage gives up on its message, and announcing it.

Shared by every stage so that ``failed`` means the same everywhere: terminal, with a reason,
never overriding ``processed``.
"""

from __future__ import annotations

import asyncpg

from shared.events import DocumentFailedV1, Names
from shared.messaging.delivery import Delivery
from shared.messaging.publisher import EventPublisher


async def fail_document(
    pool: asyncpg.Pool,
    publisher: EventPublisher,
    names: Names,
    stage: str,
    delivery: Delivery,
    reason: str,
) -> str | None:
    """Returns the document id, or None when the message names no (known) document."""
    ref = delivery.document
    if ref is None:
        return None
    priority = ref.priority if ref.priority in ("high", "normal", "low") else "normal"
    try:
        updated = await pool.fetchval(
            """UPDATE documents SET status = 'failed', failure_reason = $3, failed_stage = $2,
                   updated_at = now()
               WHERE id = $1::text::uuid AND status NOT IN ('processed', 'failed')
               RETURNING id""",
            ref.document_id,
            stage,
            reason[:2000],
        )
    except asyncpg.DataError:  # not a uuid: no such document
        return None
    if updated is not None:
        await publisher.publish(
            names.subject(DocumentFailedV1, priority),  # type: ignore[arg-type]
            DocumentFailedV1(
                document_id=ref.document_id,
                tenant=ref.tenant,
                stage=stage,
                reason=reason,
                priority=priority,  # type: ignore[arg-type]
            ),
            msg_id=f"failed:{ref.document_id}",
        )
    return ref.document_id
