"""Protecting callers from failing dependencies."""

from shared.resilience.circuit_breaker import (
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    Permit,
)

__all__ = ["BreakerState", "CircuitBreaker", "CircuitOpenError", "Permit"]
