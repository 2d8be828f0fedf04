"""Several scanners over one stream: the cheap built-in detector first, then clamd."""

from __future__ import annotations

from collections.abc import Sequence

from services.gateway.intake.scanning.protocol import (
    Scanner,
    ScannerUnavailable,
    ScanSession,
    ScanVerdict,
)


class CompositeScanner:
    def __init__(self, scanners: Sequence[Scanner]) -> None:
        if not scanners:
            raise ValueError("a composite scanner needs at least one scanner")
        self.scanners = list(scanners)
        self.name = "+".join(scanner.name for scanner in scanners)

    async def open(self, *, tolerate_unavailable: bool = False) -> CompositeSession:
        session = CompositeSession(self.name, tolerate_unavailable)
        for scanner in self.scanners:
            try:
                session.add(await scanner.open(tolerate_unavailable=tolerate_unavailable))
            except ScannerUnavailable as exc:
                await session.engine_down(exc)
        return session


class CompositeSession:
    def __init__(self, name: str, tolerate_unavailable: bool) -> None:
        self.name = name
        self.down: list[str] = []  # engines that could not scan this stream
        self._tolerate = tolerate_unavailable
        self._sessions: list[ScanSession] = []

    def add(self, session: ScanSession) -> None:
        self._sessions.append(session)

    async def engine_down(self, exc: ScannerUnavailable) -> None:
        """Carry on without the engine when tolerated; otherwise give up on the whole stream."""
        if not self._tolerate:
            await self.abort()
            raise exc
        self.down.append(exc.engine)

    async def feed(self, chunk: bytes) -> ScanVerdict | None:
        for session in list(self._sessions):
            try:
                verdict = await session.feed(chunk)
            except ScannerUnavailable as exc:
                self._sessions.remove(session)
                await self.engine_down(exc)
                continue
            if verdict is not None and verdict.infected:
                await self.abort()
                return verdict
        return None

    async def finish(self) -> ScanVerdict:
        for session in list(self._sessions):
            try:
                verdict = await session.finish()
            except ScannerUnavailable as exc:
                self._sessions.remove(session)
                await self.engine_down(exc)
                continue
            if verdict.infected:
                await self.abort()
                return verdict
        return ScanVerdict(infected=False, engine=self.name, complete=not self.down)

    async def abort(self) -> None:
        sessions, self._sessions = self._sessions, []
        for session in sessions:
            await session.abort()
