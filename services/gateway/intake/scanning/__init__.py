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


def build_scanner(clamd_url: str | None, *, breaker: CircuitBreaker | None = None) -> Scanner:
    """EICAR detection always; clamd too when ``SUM_CLAMD_URL`` names one."""
    if not clamd_url:
        return EicarScanner()
    return CompositeScanner([EicarScanner(), ClamdScanner(clamd_url, breaker=breaker)])


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
