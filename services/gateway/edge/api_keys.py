"""Who is calling: the tenant behind an ``Authorization: Bearer sum_…`` API key.

Keys are looked up by their public prefix and compared by hash (shared/tenancy/api_keys.py). A
decision is cached in process for ``cache_seconds`` so a busy client costs no database round trip
per request; a revoked key therefore stops working within that delay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from shared.db.guarded import GuardedPool
from shared.tenancy.api_keys import (
    ApiKeyRecord,
    MalformedAuthorization,
    find_matching_key,
    hash_api_key,
    parse_bearer,
    public_prefix,
)
from shared.web.problems import Problem

_MAX_CACHED = 10_000


@dataclass(frozen=True)
class Principal:
    tenant: str
    key_id: str
    key_prefix: str  # safe to log and to key rate limits by


class Unauthenticated(Problem):
    status = 401
    problem_type = "unauthorized"
    title = "Unauthorized"

    def answer_headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="sum"', **super().answer_headers()}


class PgApiKeys:
    def __init__(self, pool: asyncpg.Pool | GuardedPool) -> None:
        self.pool = pool

    async def with_prefix(self, prefix: str) -> list[ApiKeyRecord]:
        rows = await self.pool.fetch(
            """SELECT id, tenant_id, name, prefix, secret_hash, created_at, revoked_at
               FROM api_keys WHERE prefix = $1""",
            prefix,
        )
        return [ApiKeyRecord(**{**dict(row), "id": str(row["id"])}) for row in rows]


class Authenticator:
    def __init__(
        self,
        keys: PgApiKeys,
        *,
        cache_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys = keys
        self._ttl = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def authenticate(self, authorization: str | None) -> Principal:
        """The caller's principal; Unauthenticated with a reason safe to show otherwise."""
        try:
            secret = parse_bearer(authorization)
        except MalformedAuthorization as exc:
            raise Unauthenticated(str(exc)) from None
        if secret is None:
            raise Unauthenticated("this endpoint needs an API key: Authorization: Bearer sum_…")
        principal = await self._lookup(secret)
        if principal is None:
            raise Unauthenticated("the API key is unknown or revoked")
        return principal

    async def _lookup(self, secret: str) -> Principal | None:
        cache_key = hash_api_key(secret)
        now = self._clock()
        cached = self._cache.get(cache_key)
        if cached is not None and cached[0] > now:
            return cached[1]
        record = find_matching_key(secret, await self._keys.with_prefix(public_prefix(secret)))
        principal = (
            Principal(tenant=record.tenant_id, key_id=record.id, key_prefix=record.prefix)
            if record is not None
            else None
        )
        if self._ttl > 0:
            if len(self._cache) >= _MAX_CACHED:
                self._cache.clear()  # crude but bounded; refilled on demand
            self._cache[cache_key] = (now + self._ttl, principal)
        return principal
