"""What ``admit`` needs from the outside world; the gateway wires real adapters, tests fakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol

import msgspec

from services.gateway.intake import IntakePolicy
from services.gateway.intake.scanning import Scanner
from services.gateway.storage.documents import NewDocument, StoredDocument
from shared.events import Names
from shared.messaging.publisher import Publisher as Publisher

if TYPE_CHECKING:
    from services.gateway.admission import Admission


class DocumentStore(Protocol):
    async def insert(self, doc: NewDocument) -> None:
        """Raises DuplicateDocument when the tenant already has a row with this sha256."""

    async def find_by_sha256(self, tenant: str, sha256: str) -> StoredDocument | None: ...

    async def exists(self, tenant: str, document_id: str) -> bool: ...


class ObjectWriter(Protocol):
    async def put(self, name: str, source: IO[bytes], *, sha256_hex: str) -> int: ...

    async def delete(self, name: str) -> None: ...


class IdempotencyStore(Protocol):
    async def recall(self, tenant: str, key: str, answer_type: type[Admission]) -> Any: ...

    async def remember(
        self, tenant: str, key: str, answer: msgspec.Struct, *, replace: bool = False
    ) -> None: ...


@dataclass
class AdmissionDeps:
    documents: DocumentStore
    objects: ObjectWriter
    publisher: Publisher
    names: Names
    policy: IntakePolicy
    scanner: Scanner | None
    idempotency: IdempotencyStore | None = None
    spool_dir: str | None = None
    # Uploads up to this size stay in memory while spooled; larger ones go to a temporary file.
    spool_memory_bytes: int = 1024 * 1024
