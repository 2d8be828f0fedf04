"""Upload intake: one validation implementation for every door into SUM (HTTP and NATS)."""

from shared.intake.errors import (
    BinaryContent,
    EmptyFile,
    Infected,
    InvalidContent,
    InvalidFilename,
    MissingFilename,
    ScannerDown,
    TooLarge,
    UnsupportedType,
    UploadRejected,
)
from shared.intake.inspector import Inspection, UploadInspector
from shared.intake.kinds import ALL_KINDS, CANONICAL_MIME, DocumentKind
from shared.intake.policy import DEFAULT_LIMITS, IntakePolicy

__all__ = [
    "ALL_KINDS",
    "CANONICAL_MIME",
    "DEFAULT_LIMITS",
    "BinaryContent",
    "DocumentKind",
    "EmptyFile",
    "Infected",
    "Inspection",
    "IntakePolicy",
    "InvalidContent",
    "InvalidFilename",
    "MissingFilename",
    "ScannerDown",
    "TooLarge",
    "UnsupportedType",
    "UploadInspector",
    "UploadRejected",
]
