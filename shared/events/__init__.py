"""Event contracts: the only thing services share with each other."""

from shared.events.catalog import EVENT_SUBJECTS, Names
from shared.events.codec import decode, encode
from shared.events.documents import (
    PRIORITIES,
    DocumentFailedV1,
    DocumentIngestedV1,
    DocumentProcessedV1,
    DocumentReceivedV1,
    DocumentRef,
    Priority,
)
from shared.events.submission import (
    InlineBytes,
    InlineText,
    ObjectReference,
    SubmitDocumentV1,
    SubmitReplyV1,
)

__all__ = [
    "EVENT_SUBJECTS",
    "PRIORITIES",
    "DocumentFailedV1",
    "DocumentIngestedV1",
    "DocumentProcessedV1",
    "DocumentReceivedV1",
    "DocumentRef",
    "InlineBytes",
    "InlineText",
    "Names",
    "ObjectReference",
    "Priority",
    "SubmitDocumentV1",
    "SubmitReplyV1",
    "decode",
    "encode",
]
