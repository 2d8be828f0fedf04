"""The current trace as a document sees it: its id, and the span attribute naming the document."""

from __future__ import annotations

from opentelemetry import trace


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


DOCUMENT_ID = "sum.document.id"


def tag_document(document_id: str) -> None:
    """Mark the current span as being about this document (the monitor indexes it)."""
    trace.get_current_span().set_attribute(DOCUMENT_ID, document_id)
