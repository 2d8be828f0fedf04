"""What the intake accepts: per-kind size limits and the scanner-outage stance."""

from __future__ import annotations

import msgspec

from shared.kinds import ALL_KINDS, DocumentKind

MB = 1_000_000

DEFAULT_LIMITS: dict[str, int] = {
    "pdf": 50 * MB,
    "docx": 25 * MB,
    "csv": 100 * MB,
    "txt": 10 * MB,
    "md": 10 * MB,
    "json": 10 * MB,
    "html": 10 * MB,
}


class IntakePolicy(msgspec.Struct, frozen=True, kw_only=True):
    # Bytes per kind; a kind missing here falls back to DEFAULT_LIMITS.
    limits: dict[str, int] = msgspec.field(default_factory=lambda: dict(DEFAULT_LIMITS))
    # Fail-closed by default: an outage of the scanner must not let unscanned files in silently.
    fail_open_when_scanner_down: bool = False

    def limit_for(self, kind: DocumentKind) -> int:
        return self.limits.get(kind, DEFAULT_LIMITS[kind])

    def largest_limit(self) -> int:
        """No accepted upload of any kind is larger than this."""
        return max(self.limit_for(kind) for kind in ALL_KINDS)
