import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from services.gateway.edge.rate_limits import (
    GCRA_SCRIPT,
    RateLimit,
    RateLimiterUnavailable,
    RedisRateLimiter,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def prefix() -> str:
    return f"test:rl:{uuid.uuid4().hex}:"


@pytest.fixture
async def redis(prefix: str) -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    keys = [key async for key in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def fail_open_total() -> float:
    return REGISTRY.get_sample_value("sum_ratelimit_fail_open_total") or 0.0


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_burst_up_to_the_limit_passes_then_429_with_retry_after(
    redis: Redis, prefix: str
) -> None:
    rl, limit = RedisRateLimiter(redis, prefix=prefix), RateLimit(5, 60)
    decisions = [await rl.check("key-a", limit) for _ in range(6)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
    refused = decisions[-1]
    assert 11 <= refused.retry_after_seconds <= 12  # one request per 12 s at the steady rate
    headers = refused.headers()
    assert headers["Retry-After"] == "12"
    assert headers["RateLimit-Limit"] == "5" and headers["RateLimit-Remaining"] == "0"
    assert 59 <= int(headers["RateLimit-Reset"]) <= 60
    assert (await rl.check("key-b", limit)).allowed  # keys are independent


async def test_replicas_share_one_budget_and_concurrency_cannot_overspend(
    redis: Redis, prefix: str
) -> None:
    other_replica = Redis.from_url("redis://127.0.0.1:6379/0")
    replicas = [
        RedisRateLimiter(redis, prefix=prefix),
        RedisRateLimiter(other_replica, prefix=prefix),
    ]
    limit = RateLimit(10, 60)
    decisions = await asyncio.gather(*(replicas[i % 2].check("shared", limit) for i in range(25)))
    assert sum(d.allowed for d in decisions) == 10
    await other_replica.aclose()


async def test_the_budget_refills_at_the_steady_rate(redis: Redis, prefix: str) -> None:
    rl, limit = RedisRateLimiter(redis, prefix=prefix), RateLimit(4, 0.4)  # one request per 100 ms
    while (await rl.check("refill", limit)).allowed:
        pass
    refused_at = time.monotonic()
    deadline = refused_at + 5
    while not (await rl.check("refill", limit)).allowed:
        assert time.monotonic() < deadline, "the budget never refilled"
        await asyncio.sleep(0.01)
    assert 0.05 <= time.monotonic() - refused_at <= 1.0


async def test_cost_larger_than_the_limit_is_refused() -> None:
    rl = RedisRateLimiter(Redis.from_url("redis://127.0.0.1:6379/0"))
    with pytest.raises(ValueError):
        await rl.check("x", RateLimit(2, 1), cost=3)


async def test_redis_down_fails_open_and_is_counted() -> None:
    down = Redis.from_url(f"redis://127.0.0.1:{unused_port()}/0")
    before = fail_open_total()
    decision = await RedisRateLimiter(down).check("k", RateLimit(1, 60))
    assert decision.allowed and decision.degraded
    assert fail_open_total() == before + 1
    with pytest.raises(RateLimiterUnavailable):
        await RedisRateLimiter(down, fail_open=False).check("k", RateLimit(1, 60))
    await down.aclose()


@pytest.mark.parametrize(
    ("text", "requests", "seconds"),
    [("100/min", 100, 60), ("10/s", 10, 1), ("30/10s", 30, 10), ("5000 / h", 5000, 3600)],
)
def test_rate_limits_parse_from_settings(text: str, requests: int, seconds: float) -> None:
    assert RateLimit.parse(text) == RateLimit(requests, seconds)


@pytest.mark.parametrize("text", ["", "100", "0/min", "ten/min", "5/fortnight"])
def test_bad_rate_limit_settings_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        RateLimit.parse(text)


class CountingLimiter(RedisRateLimiter):
    def __init__(self, redis: Redis, prefix: str) -> None:
        super().__init__(redis, prefix=prefix)
        self.pipelines: list[int] = []

    async def _pipeline(self, batch: list[tuple[str, int, int, int]]) -> list[Any]:
        self.pipelines.append(len(batch))
        return await super()._pipeline(batch)


async def test_concurrent_checks_share_pipelines_and_each_gets_its_own_answer(
    redis: Redis, prefix: str
) -> None:
    rl, limit = CountingLimiter(redis, prefix), RateLimit(30, 60)
    await redis.script_load(GCRA_SCRIPT)  # no reload round in the count
    decisions = await asyncio.gather(*(rl.check(f"key-{i % 2}", limit) for i in range(80)))
    assert sum(d.allowed for d in decisions) == 60  # 30 per key, no more
    assert sorted(d.remaining for d in decisions if d.allowed) == sorted([*range(30)] * 2)
    assert sum(rl.pipelines) == 80
    assert rl.pipelines[0] == 1, "the first check does not wait for company"
    assert len(rl.pipelines) < 10, rl.pipelines


async def test_a_flushed_script_cache_is_refilled(redis: Redis, prefix: str) -> None:
    rl, limit = RedisRateLimiter(redis, prefix=prefix), RateLimit(5, 60)
    await redis.script_flush()
    decisions = await asyncio.gather(*(rl.check("after-flush", limit) for _ in range(7)))
    assert [d.allowed for d in decisions].count(True) == 5
    assert not any(d.degraded for d in decisions)
