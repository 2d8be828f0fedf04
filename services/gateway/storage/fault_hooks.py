"""Fault injection for the reliability suite, switched on only by environment variables and
applied only in the composition root: handlers know nothing of it."""

from __future__ import annotations

import logging
import os
from typing import Any

from services.gateway.admission import DocumentStore, NewDocument

log = logging.getLogger(__name__)


class CrashAfterInsert:
    """Fault injection: the process dies right after the row is committed and before the event
    is published -- the window the reconciler exists for."""

    def __init__(self, documents: DocumentStore) -> None:
        self.documents = documents

    def __getattr__(self, name: str) -> Any:
        return getattr(self.documents, name)  # every other call goes to the real table

    async def insert(self, doc: NewDocument) -> None:
        await self.documents.insert(doc)
        log.error("SUM_FAULT_CRASH_AFTER_INSERT: exiting after inserting %s", doc.document_id)
        logging.shutdown()
        os._exit(70)


def with_fault_hooks(documents: DocumentStore) -> DocumentStore:
    if os.environ.get("SUM_FAULT_CRASH_AFTER_INSERT") == "1":
        return CrashAfterInsert(documents)
    return documents
