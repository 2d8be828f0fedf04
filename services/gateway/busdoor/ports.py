"""What the bus door needs from the rest of the gateway: the one admission path of both doors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from shared.events import Priority


class Admitted(Protocol):
    """The part of an admission the bus door reports back to the producer."""

    @property
    def document_id(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def duplicate(self) -> bool:
        """The tenant already had these bytes."""

    @property
    def replayed(self) -> bool:
        """The first answer to a repeated idempotency key."""


class Admit(Protocol):
    """Inspect, store, record and announce one upload; raises ``UploadRejected`` on refusal.

    The HTTP door calls the same function: there is one validation and admission path.
    """

    async def __call__(
        self,
        chunks: AsyncIterator[bytes],
        *,
        filename: str | None,
        declared_type: str | None,
        tenant: str,
        priority: Priority,
        idempotency_key: str | None,
    ) -> Admitted: ...


class MetadataStore(Protocol):
    async def remember(self, document_id: str, metadata: dict[str, str]) -> None:
        """Keep a submission's metadata with its document; the first submission's wins."""
