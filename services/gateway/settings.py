"""Gateway settings, each read from ``SUM_<FIELD NAME>`` (see shared/config.py)."""

from __future__ import annotations

import msgspec

from services.gateway.busdoor.door import BusDoorSettings
from services.gateway.intake import DEFAULT_LIMITS, IntakePolicy
from services.gateway.reconciler import ReconcilerSettings
from shared.config import CommonSettings


class GatewaySettings(CommonSettings, kw_only=True):
    gateway_port: int = 5001
    # Where clients reach the gateway; used in links and printed examples.
    public_url: str = ""
    upload_chunk_size: int = 256 * 1024

    # Per-kind upload limits in bytes; a kind left out keeps its default (pdf 50 MB, docx 25 MB,
    # csv 100 MB, text kinds 10 MB). SUM_UPLOAD_LIMITS="csv=200000000,pdf=60000000"
    upload_limits: str = ""
    # Malware scanning: EICAR detection always; clamd too when this names one
    # (tcp://host:3310 or unix:///run/clamav/clamd.ctl).
    clamd_url: str = ""
    # Scanner unreachable: refuse with 503 (false) or accept the upload marked "unscanned" (true).
    scan_fail_open: bool = False
    clamd_timeout: float = 5.0
    clamd_max_stream_bytes: int = 25 * 1024 * 1024
    # Where spooled uploads larger than spool_memory_bytes go (default: the system temp dir).
    spool_dir: str | None = None
    spool_memory_bytes: int = 1024 * 1024

    # Per API key, e.g. "600/min"; reads and uploads have separate budgets.
    rate_limit_uploads: str = "120/min"
    rate_limit_reads: str = "1200/min"
    # Redis down: keep serving without limits (true) or answer 503 (false).
    rate_limit_fail_open: bool = True
    # How long a looked-up API key is trusted before asking PostgreSQL again (revocation delay).
    api_key_cache_seconds: float = 10.0

    # Uploads in progress per process; beyond it 503 + Retry-After at once.
    max_concurrent_uploads: int = 64
    # Load shedding by pipeline backlog (messages pending for ingest and processor consumers)
    # and by this process's resident memory. Low priority is refused first, high last.
    shed_backlog_low: int = 5_000
    shed_backlog_normal: int = 20_000
    shed_backlog_high: int = 100_000
    shed_memory_low_mb: int = 768
    shed_memory_normal_mb: int = 1024
    shed_memory_high_mb: int = 1536
    backlog_poll_seconds: float = 2.0

    # Peers whose X-Forwarded-For is believed (IPs or CIDRs, comma separated).
    trusted_proxies: str = ""
    idempotency_ttl_seconds: int = 24 * 3600
    # Server-Sent Events and ?wait= long-polls end after this long even without a final status.
    events_max_seconds: float = 300.0
    events_poll_seconds: float = 0.25

    # SUM_RECONCILE_AFTER, SUM_RECONCILE_INTERVAL
    reconciler: ReconcilerSettings = msgspec.field(default_factory=ReconcilerSettings)
    # SUM_BUSDOOR_ENABLED, SUM_BUSDOOR_CONCURRENCY, SUM_BUSDOOR_RELAY
    busdoor: BusDoorSettings = msgspec.field(default_factory=BusDoorSettings)

    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.gateway_port}"

    def intake_policy(self) -> IntakePolicy:
        return IntakePolicy(
            limits={**DEFAULT_LIMITS, **parse_limits(self.upload_limits)},
            fail_open_when_scanner_down=self.scan_fail_open,
        )

    def largest_upload(self) -> int:
        return max(self.intake_policy().limits.values())


def parse_limits(text: str) -> dict[str, int]:
    limits: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        kind, _, value = item.partition("=")
        if kind.strip() not in DEFAULT_LIMITS or not value.strip().isdigit():
            raise SystemExit(f"invalid settings: SUM_UPLOAD_LIMITS item {item!r} is not kind=bytes")
        limits[kind.strip()] = int(value)
    return limits
