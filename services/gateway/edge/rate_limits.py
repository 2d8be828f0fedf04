"""Per-key rate limiting shared by all gateway replicas: GCRA in one atomic Redis Lua script.

GCRA (generic cell rate algorithm) keeps a single number per key, the theoretical arrival time
(TAT) of the next request at the steady rate. A request is admitted when admitting it would not
push the TAT more than one period ahead of now; this allows bursts of up to ``requests`` and a
steady ``requests / period`` after that. The script reads Redis's own clock, so replicas with
skewed clocks still agree, and does read-decide-write in one round trip.

If Redis is unreachable the limiter fails open by default (availability over strictness for a
fairness control) and counts each such decision in ``sum_ratelimit_fail_open_total``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import time
from typing import Any

import msgspec
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from services.gateway.storage.coalescing import Coalescer
from shared.errors import RetryableError

log = logging.getLogger(__name__)

RATELIMIT_FAIL_OPEN = Counter(
    "sum_ratelimit_fail_open",
    "Requests admitted without a rate-limit decision because Redis was unavailable",
)

# KEYS[1] = key; ARGV = requests per period, period in ms, cost.
# Returns {allowed (0/1), remaining, retry_after_ms, reset_ms}.
GCRA_SCRIPT = """
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local interval = period / limit
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval * cost
local allow_at = new_tat - period
if allow_at > now then
  local remaining = math.max(0, math.floor((now + period - tat) / interval))
  return {0, remaining, math.ceil(allow_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', math.ceil(new_tat - now) + 1)
local remaining = math.floor((now + period - new_tat) / interval)
return {1, remaining, 0, math.ceil(new_tat - now)}
"""

_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d*\.?\d*)\s*(s|sec|second|m|min|minute|h|hour)\s*")
_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60}
_UNIT_SECONDS |= {"h": 3600, "hour": 3600}


class RateLimiterUnavailable(RetryableError):
    """Redis could not decide and the limiter is configured to fail closed."""


class RateLimit(msgspec.Struct, frozen=True):
    requests: int
    period_seconds: float

    def __post_init__(self) -> None:
        if self.requests < 1 or self.period_seconds <= 0:
            raise ValueError("a rate limit needs requests >= 1 and a positive period")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"100/min"``, ``"10/s"``, ``"5000/h"``, ``"30/10s"``."""
        match = _RATE.fullmatch(text)
        if match is None:
            raise ValueError(f"a rate limit looks like '100/min', not {text!r}")
        count, multiple, unit = match.groups()
        return cls(int(count), float(multiple or 1) * _UNIT_SECONDS[unit])


class RateLimitDecision(msgspec.Struct, frozen=True, kw_only=True):
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: float  # until the full burst is available again
    retry_after_seconds: float  # 0 when allowed
    degraded: bool = False  # True when admitted without asking Redis

    def headers(self) -> dict[str, str]:
        """``RateLimit-*`` headers (IETF draft) plus ``Retry-After`` on a refusal."""
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(math.ceil(self.reset_seconds)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.retry_after_seconds)))
        return headers


class RedisRateLimiter:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "sum:ratelimit:",
        fail_open: bool = True,
        # Generous enough for a new pool connection on a loaded host; only a hung Redis hits it.
        timeout: float = 1.0,
    ) -> None:
        self._redis = redis
        self._sha = hashlib.sha1(GCRA_SCRIPT.encode()).hexdigest()
        self._prefix = prefix
        self._fail_open = fail_open
        self._timeout = timeout
        self._last_warning = -math.inf
        # Concurrent requests' checks travel to Redis in one pipeline: one round trip per batch.
        self._checks: Coalescer[tuple[str, int, int, int], Any] = Coalescer(self._run_scripts)

    async def check(self, key: str, limit: RateLimit, *, cost: int = 1) -> RateLimitDecision:
        """Decide for one request of ``key`` (an API key's public prefix or tenant id, never a
        secret) and record it when allowed."""
        if not 1 <= cost <= limit.requests:
            raise ValueError(f"cost must be between 1 and {limit.requests}")
        period_ms = max(1, round(limit.period_seconds * 1000))
        try:
            async with asyncio.timeout(self._timeout):
                reply = await self._checks.submit(
                    (self._prefix + key, limit.requests, period_ms, cost)
                )
        except (RedisError, OSError, TimeoutError) as exc:
            return self._undecided(limit, exc)
        allowed, remaining, retry_after_ms, reset_ms = (int(value) for value in reply)
        return RateLimitDecision(
            allowed=bool(allowed),
            limit=limit.requests,
            remaining=remaining,
            reset_seconds=reset_ms / 1000,
            retry_after_seconds=retry_after_ms / 1000,
        )

    async def _run_scripts(self, batch: list[tuple[str, int, int, int]]) -> list[Any]:
        replies = await self._pipeline(batch)
        if any(isinstance(reply, NoScriptError) for reply in replies):
            await self._redis.script_load(GCRA_SCRIPT)  # a fresh or flushed Redis
            replies = await self._pipeline(batch)
        return replies

    async def _pipeline(self, batch: list[tuple[str, int, int, int]]) -> list[Any]:
        pipe = self._redis.pipeline(transaction=False)
        for key, requests, period_ms, cost in batch:
            pipe.evalsha(self._sha, 1, key, requests, period_ms, cost)
        return list(await pipe.execute(raise_on_error=False))

    def _undecided(self, limit: RateLimit, exc: Exception) -> RateLimitDecision:
        if not self._fail_open:
            raise RateLimiterUnavailable(f"rate limiter unavailable: {exc!r}") from exc
        RATELIMIT_FAIL_OPEN.inc()
        now = time.monotonic()
        if now - self._last_warning > 10:  # one line per outage burst, not one per request
            self._last_warning = now
            log.warning("rate limiter failing open, Redis unavailable: %r", exc)
        return RateLimitDecision(
            allowed=True,
            limit=limit.requests,
            remaining=limit.requests,
            reset_seconds=0,
            retry_after_seconds=0,
            degraded=True,
        )
