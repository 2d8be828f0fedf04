"""The streaming malware-scanner interface shared by the built-in detector and clamd."""

from __future__ import annotations

from typing import Protocol

import msgspec

from shared.errors import RetryableError


class ScanVerdict(msgspec.Struct, frozen=True, kw_only=True):
    infected: bool
    signature: str | None = None
    engine: str = ""
    # False when an engine of a composite scanner could not scan (tolerated outage).
    complete: bool = True


class ScannerUnavailable(RetryableError):
    """The scanner could not give a verdict: unreachable, timed out, circuit open, or errored."""

    def __init__(self, engine: str, reason: str) -> None:
        super().__init__(f"{engine} unavailable: {reason}")
        self.engine = engine
        self.reason = reason


class ScanSession(Protocol):
    async def feed(self, chunk: bytes) -> ScanVerdict | None:
        """Scan the next chunk; returns an infected verdict as soon as one is certain."""

    async def finish(self) -> ScanVerdict:
        """The verdict for the whole stream; raises ScannerUnavailable."""

    async def abort(self) -> None:
        """Give up on the stream (the upload was rejected or the client left); idempotent."""


class Scanner(Protocol):
    name: str

    async def open(self, *, tolerate_unavailable: bool = False) -> ScanSession:
        """Start scanning one stream; raises ScannerUnavailable.

        ``tolerate_unavailable`` lets a composite scanner carry on with the engines that work
        and report ``complete=False`` instead of raising.
        """
