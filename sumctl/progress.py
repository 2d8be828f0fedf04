"""Progress bars on stderr, drawn by hand: a few lines redrawn in place, at most 10 times a second.

Shown only when stderr is a terminal (or when forced), so scripts and logs stay clean.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

BAR_WIDTH = 28


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def bar(done: float, total: float, width: int = BAR_WIDTH) -> str:
    fraction = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
    filled = int(fraction * width)
    return "[" + "#" * filled + "-" * (width - filled) + f"] {fraction * 100:3.0f}%"


@dataclass
class Transfer:
    """Bytes and files sent so far."""

    total_bytes: int
    total_files: int
    sent_bytes: int = 0
    done_files: int = 0
    started: float = field(default_factory=time.monotonic)
    label: str = "upload"

    def line(self, now: float) -> str:
        rate = self.sent_bytes / max(now - self.started, 1e-3)
        return (
            f"{self.label:<8} {bar(self.sent_bytes, self.total_bytes)} "
            f"{human_bytes(self.sent_bytes)}/{human_bytes(self.total_bytes)}  "
            f"{self.done_files}/{self.total_files} files  {human_bytes(rate)}/s"
        )


@dataclass
class Pipeline:
    """Documents on their way through the pipeline."""

    total: int
    processed: int = 0
    failed: int = 0

    def line(self, now: float) -> str:
        finished = self.processed + self.failed
        tail = f"  {self.failed} failed" if self.failed else ""
        return f"pipeline {bar(finished, self.total)} {self.processed}/{self.total} processed{tail}"


class Display:
    """Redraws its lines in place; ``close()`` leaves the final state on screen."""

    def __init__(
        self,
        *lines: Transfer | Pipeline,
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.lines = list(lines)
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._drawn = 0
        self._last = 0.0

    def update(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._last < 0.1):
            return
        self._last = now
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        text = "".join(f"\x1b[2K{line.line(now)}\n" for line in self.lines)
        self.stream.write(up + text)
        self.stream.flush()
        self._drawn = len(self.lines)

    def close(self) -> None:
        self.update(force=True)
