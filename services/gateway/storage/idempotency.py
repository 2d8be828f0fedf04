"""Idempotency-Key: a retried upload with the same key gets the first answer again (Redis, 24 h).

Keys are scoped by tenant so two tenants can never see each other's answers. Redis trouble never
fails an upload: without a stored answer, the per-tenant deduplication by SHA-256 still makes a
retry of the same bytes resolve to the same document.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TypeVar

import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T", bound=msgspec.Struct)
MAX_KEY_CHARS = 255


class RedisIdempotency:
    def __init__(
        self, redis: Redis, *, ttl_seconds: int = 24 * 3600, prefix: str = "sum:idem:"
    ) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._prefix = prefix

    def _key(self, tenant: str, key: str) -> str:
        # Hashed: client-chosen keys may be long or odd; the Redis key stays short and plain.
        digest = hashlib.sha256(f"{tenant}\0{key}".encode()).hexdigest()
        return self._prefix + digest

    async def recall(self, tenant: str, key: str, answer_type: type[T]) -> T | None:
        try:
            raw = await self._redis.get(self._key(tenant, key))
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("idempotency store unavailable, not replaying: %r", exc)
            return None
        if raw is None:
            return None
        try:
            return msgspec.json.decode(raw, type=answer_type)
        except msgspec.DecodeError:
            return None  # written by an incompatible version: treat as absent

    async def remember(
        self, tenant: str, key: str, answer: msgspec.Struct, *, replace: bool = False
    ) -> None:
        """Keep the first answer only (SET NX): a racing retry never overwrites it. ``replace``
        overwrites an answer whose document has been deleted."""
        try:
            await self._redis.set(
                self._key(tenant, key), msgspec.json.encode(answer), ex=self._ttl, nx=not replace
            )
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("idempotency store unavailable, answer not kept: %r", exc)
