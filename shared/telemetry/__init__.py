"""Tracing, metrics and header propagation: one instrumentation API for every service."""
