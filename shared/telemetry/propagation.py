"""Trace context helpers for code that only needs ids or header propagation."""

from __future__ import annotations

from opentelemetry import trace

from shared.telemetry.tracing import extract_context, inject_headers

__all__ = ["current_trace_id", "extract_context", "inject_headers", "tag_document"]


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


DOCUMENT_ID = "sum.document.id"


def tag_document(document_id: str) -> None:
    """Mark the current span as being about this document (the monitor indexes it)."""
    trace.get_current_span().set_attribute(DOCUMENT_ID, document_id)
