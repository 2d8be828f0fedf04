"""A FIFO drained by one background task that sleeps while there is nothing to do."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class WorkQueue(Generic[T]):
    def __init__(self, max_items: int | None = None) -> None:
        self._items: deque[T] = deque()
        self._max_items = max_items
        self._wakeup = asyncio.Event()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._items))  # a snapshot: the worker may take items meanwhile

    def put(self, item: T) -> T | None:
        """Queue ``item``; when full, the oldest item makes room and is returned (dropped)."""
        dropped = None
        if self._max_items is not None and len(self._items) >= self._max_items:
            dropped = self._items.popleft()
        self._items.append(item)
        self._wakeup.set()
        return dropped

    def pop_nowait(self) -> T | None:
        return self._items.popleft() if self._items else None

    async def get(self) -> T:
        while not self._items:
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._items.popleft()


async def cancel_all(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel background tasks and wait until each has finished."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    tasks.clear()
