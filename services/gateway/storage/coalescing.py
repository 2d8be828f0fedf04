"""Coalescing: calls that arrive while earlier ones are in flight travel together in one flush.

    rate_checks = Coalescer(send_pipeline, max_batch=256, max_in_flight=2)
    reply = await rate_checks.submit(request)

Nothing waits for company: a call that finds a free flush slot goes out at once, alone, so a
lone request pays nothing extra. Calls arriving while ``max_in_flight`` flushes are under way
queue up and leave together in the next one; the busier the process, the bigger the batches.
That turns one round trip (and, for a database, one commit) per request into one per batch.

``flush(items)`` answers one result per item, in order; an item's result may be an exception,
raised to that caller alone. If ``flush`` itself raises, every caller of that batch gets the
error. A flush runs to its end even if the caller that started it is cancelled, since it
carries other callers' items; a caller cancelled while still queued is taken out of the queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[list[R | BaseException]]],
        *,
        max_batch: int = 256,
        max_in_flight: int = 2,
    ) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._slots = asyncio.Semaphore(max_in_flight)
        self._queue: list[tuple[T, asyncio.Future[R]]] = []

    async def submit(self, item: T) -> R:
        answer: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        entry = (item, answer)
        self._queue.append(entry)
        try:
            while not answer.done():
                async with self._slots:
                    if answer.done() or not self._queue:
                        break  # answered, or riding in a flush that is still under way
                    batch = self._queue[: self._max_batch]
                    del self._queue[: self._max_batch]
                    await asyncio.shield(self._run(batch))
            return await answer
        except asyncio.CancelledError:
            if entry in self._queue:
                self._queue.remove(entry)
            raise

    async def _run(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"flush answered {len(results)} results for {len(batch)}")
        except BaseException as exc:
            for _, answer in batch:
                _fail(answer, exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, answer), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                _fail(answer, result)
            elif not answer.done():
                answer.set_result(result)


def _fail(answer: asyncio.Future[R], error: BaseException) -> None:
    if not answer.done():
        answer.set_exception(error)
        answer.exception()  # retrieved: a caller cancelled meanwhile leaves no asyncio warning
