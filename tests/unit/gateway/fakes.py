"""In-memory stand-ins for the admission's ports (fakes that behave like the real adapters)."""

from __future__ import annotations

from typing import IO, Any

import msgspec

from services.gateway.admission import (
    DuplicateDocument,
    KnownDocument,
    NewDocument,
    Upload,
    fields_for,
)


class FakeDocuments:
    """Like the documents table with its unique (tenant, sha256) index."""

    def __init__(self) -> None:
        self.rows: dict[str, NewDocument] = {}

    async def insert(self, doc: NewDocument) -> None:
        if any(r.tenant == doc.tenant and r.sha256 == doc.sha256 for r in self.rows.values()):
            raise DuplicateDocument(doc.sha256)
        self.rows[doc.document_id] = doc

    async def find_by_sha256(self, tenant: str, sha256: str) -> KnownDocument | None:
        for row in self.rows.values():
            if row.tenant == tenant and row.sha256 == sha256:
                return KnownDocument(status="received", **fields_for(row, Upload))
        return None

    async def exists(self, tenant: str, document_id: str) -> bool:
        row = self.rows.get(document_id)
        return row is not None and row.tenant == tenant


class FakeObjectWriter:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.deleted: list[str] = []

    async def put(self, name: str, source: IO[bytes], *, sha256_hex: str) -> int:
        self.objects[name] = source.read()
        return len(self.objects[name])

    async def delete(self, name: str) -> None:
        self.deleted.append(name)
        self.objects.pop(name, None)


class FakeIdempotency:
    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], bytes] = {}

    async def recall(self, tenant: str, key: str, answer_type: Any) -> Any:
        raw = self.answers.get((tenant, key))
        return None if raw is None else msgspec.json.decode(raw, type=answer_type)

    async def remember(
        self, tenant: str, key: str, answer: msgspec.Struct, *, replace: bool = False
    ) -> None:
        if replace:
            self.answers[(tenant, key)] = msgspec.json.encode(answer)
        else:
            self.answers.setdefault((tenant, key), msgspec.json.encode(answer))
