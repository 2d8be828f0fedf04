"""Document text extraction: plain text, structure and language from uploaded files.

``extract_file`` runs in-process; ``extract_isolated`` runs it in a worker process with
time and memory limits and is what a service should call on untrusted input.
"""

from .dispatch import KINDS, extract_file
from .isolation import extract_isolated, shutdown_pool
from .model import ExtractedText, ExtractionError, Page, Section

__all__ = [
    "KINDS",
    "ExtractedText",
    "ExtractionError",
    "Page",
    "Section",
    "extract_file",
    "extract_isolated",
    "shutdown_pool",
]
