"""The coalescer on its own: who goes when, who gets which answer, and what a cancel does."""

from __future__ import annotations

import asyncio

import pytest

from services.gateway.storage.coalescing import Coalescer


class Recorder:
    """A flush that answers each item doubled, one event-loop turn later, and keeps the batches."""

    def __init__(self, fail_on: int | None = None, broken: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail_on = fail_on
        self.broken = broken

    async def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(items)
        await asyncio.sleep(0)
        if self.broken:
            raise ConnectionError("the other side is gone")
        return [ValueError(f"bad {i}") if i == self.fail_on else i * 2 for i in items]


async def test_a_lone_call_goes_at_once_and_a_crowd_goes_together() -> None:
    flush = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(flush, max_in_flight=1)
    assert await coalescer.submit(1) == 2
    answers = await asyncio.gather(*(coalescer.submit(n) for n in range(10, 30)))
    assert answers == [n * 2 for n in range(10, 30)]
    assert flush.batches[0] == [1]
    assert flush.batches[1] == [10]  # the first of the crowd does not wait for the rest
    assert flush.batches[2] == list(range(11, 30))


async def test_batches_are_capped() -> None:
    flush = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(flush, max_batch=4, max_in_flight=1)
    await asyncio.gather(*(coalescer.submit(n) for n in range(13)))
    assert [len(b) for b in flush.batches] == [1, 4, 4, 4]


async def test_an_item_error_reaches_only_its_caller() -> None:
    coalescer: Coalescer[int, int] = Coalescer(Recorder(fail_on=3), max_in_flight=1)
    answers = await asyncio.gather(*(coalescer.submit(n) for n in range(6)), return_exceptions=True)
    assert isinstance(answers[3], ValueError)
    assert [a for i, a in enumerate(answers) if i != 3] == [0, 2, 4, 8, 10]


async def test_a_failed_flush_reaches_every_caller_of_that_batch() -> None:
    coalescer: Coalescer[int, int] = Coalescer(Recorder(broken=True), max_in_flight=1)
    answers = await asyncio.gather(*(coalescer.submit(n) for n in range(5)), return_exceptions=True)
    assert all(isinstance(a, ConnectionError) for a in answers)


async def test_a_flush_answering_the_wrong_count_is_an_error_for_all() -> None:
    async def short(items: list[int]) -> list[int | BaseException]:
        return items[:-1]

    coalescer: Coalescer[int, int] = Coalescer(short)
    with pytest.raises(RuntimeError, match="results for"):
        await coalescer.submit(1)


async def test_cancelling_the_caller_that_flushes_does_not_cancel_the_flush() -> None:
    flush = Recorder()
    coalescer: Coalescer[int, int] = Coalescer(flush, max_in_flight=1)
    tasks = [asyncio.create_task(coalescer.submit(n)) for n in range(6)]
    await asyncio.sleep(0)  # task 0 is flushing [0]; the others queue behind it
    tasks[0].cancel()  # the caller that is flushing
    tasks[4].cancel()  # a caller still queued
    answers = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(answers[0], asyncio.CancelledError)
    assert isinstance(answers[4], asyncio.CancelledError)
    assert [answers[i] for i in (1, 2, 3, 5)] == [2, 4, 6, 10]
    flushed = [item for batch in flush.batches for item in batch]
    assert 0 in flushed, "the flush under way ran to its end"
    assert 4 not in flushed, "a cancelled queued caller was taken out of the queue"
