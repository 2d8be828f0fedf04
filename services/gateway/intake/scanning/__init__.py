"""Malware scanning of upload streams: a built-in EICAR detector and ClamAV's clamd."""

from __future__ import annotations

from services.gateway.intake.scanning.clamd import ClamdScanner, parse_clamd_url
from services.gateway.intake.scanning.composite import CompositeScanner
from services.gateway.intake.scanning.eicar import EICAR_SIGNATURE, EicarScanner
from services.gateway.intake.scanning.protocol import (
    Scanner,
    ScannerUnavailable,
    ScanSession,
    ScanVerdict,
)
from shared.resilience import CircuitBreaker
from shared.resilience.metrics import export_breaker_state


def build_scanner(
    clamd_url: str | None,
    *,
    breaker: CircuitBreaker | None = None,
    io_timeout: float = 5.0,
    max_stream_bytes: int = 25 * 1024 * 1024,
) -> Scanner:
    """EICAR detection always; clamd too when ``SUM_CLAMD_URL`` names one."""
    if not clamd_url:
        return EicarScanner()
    clamd = ClamdScanner(
        clamd_url,
        breaker=breaker or CircuitBreaker("clamd", on_state_change=export_breaker_state),
        io_timeout=io_timeout,
        max_stream_bytes=max_stream_bytes,
    )
    return CompositeScanner([EicarScanner(), clamd])


__all__ = [
    "EICAR_SIGNATURE",
    "ClamdScanner",
    "CompositeScanner",
    "EicarScanner",
    "ScanSession",
    "ScanVerdict",
    "Scanner",
    "ScannerUnavailable",
    "build_scanner",
    "parse_clamd_url",
]
