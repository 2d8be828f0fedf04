"""Writes dead-letter records to ``<namespace>.dlq.<stage>``."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.events.catalog import Names
from shared.events.deadletter import DeadLetterV1
from shared.messaging.delivery import Delivery
from shared.messaging.publisher import EventPublisher
from shared.telemetry import metrics
from shared.telemetry.propagation import current_trace_id


class DeadLetterSink:
    def __init__(self, publisher: EventPublisher, names: Names, stage: str) -> None:
        self.publisher = publisher
        self.names = names
        self.stage = stage

    async def record(
        self,
        delivery: Delivery,
        error_type: str,
        reason: str,
        document_id: str | None = None,
    ) -> None:
        letter = DeadLetterV1(
            stage=self.stage,
            original_subject=delivery.subject,
            headers=delivery.headers,
            payload=delivery.data,
            stream_sequence=delivery.stream_sequence,
            deliveries=delivery.deliveries,
            error_type=error_type,
            error_message=reason,
            trace_id=current_trace_id(),
            failed_at=datetime.now(UTC),
            document_id=document_id,
        )
        # One record per original message, even if the dead-lettering itself is retried.
        msg_id = f"dlq:{delivery.consumer}:{delivery.stream_sequence}"
        await self.publisher.publish(self.names.dlq_subject(self.stage), letter, msg_id)
        metrics.dead_letters.labels(self.stage, error_type).inc()
