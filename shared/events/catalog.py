"""Which event travels on which subject, and the streams that hold them.

Subjects are ``<namespace>.documents.<event>.v<N>.<priority>``: the version is part of the name,
the priority a final routing token so that consumers can serve ``high`` before ``low``.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from shared.events.documents import (
    DocumentFailedV1,
    DocumentIngestedV1,
    DocumentProcessedV1,
    DocumentReceivedV1,
    Priority,
)

EVENT_SUBJECTS: dict[type[msgspec.Struct], str] = {
    DocumentReceivedV1: "documents.received.v1",
    DocumentIngestedV1: "documents.ingested.v1",
    DocumentProcessedV1: "documents.processed.v1",
    DocumentFailedV1: "documents.failed.v1",
}


@dataclass(frozen=True)
class Names:
    """Every NATS name of one installation, derived from its namespace."""

    namespace: str

    @property
    def documents_stream(self) -> str:
        return f"{self.namespace.upper()}_DOCUMENTS"

    @property
    def dlq_stream(self) -> str:
        return f"{self.namespace.upper()}_DLQ"

    @property
    def uploads_bucket(self) -> str:
        return f"{self.namespace}_uploads"

    def subject(self, event: type[msgspec.Struct], priority: Priority = "normal") -> str:
        return f"{self.namespace}.{EVENT_SUBJECTS[event]}.{priority}"

    def documents_wildcard(self) -> str:
        return f"{self.namespace}.documents.>"

    def dlq_subject(self, stage: str) -> str:
        return f"{self.namespace}.dlq.{stage}"
