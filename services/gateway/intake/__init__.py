"""Upload intake: one validation implementation for both doors of the gateway (HTTP and NATS)."""

from services.gateway.intake.inspector import Inspection, UploadInspector
from services.gateway.intake.policy import DEFAULT_LIMITS, IntakePolicy
from services.gateway.intake.refusals import (
    BinaryContent,
    EmptyFile,
    Infected,
    InvalidContent,
    InvalidFilename,
    InvalidUpload,
    MissingFilename,
    ScannerDown,
    TooLarge,
    UnsupportedType,
    UploadRejected,
)

__all__ = [
    "DEFAULT_LIMITS",
    "BinaryContent",
    "EmptyFile",
    "Infected",
    "Inspection",
    "IntakePolicy",
    "InvalidContent",
    "InvalidFilename",
    "InvalidUpload",
    "MissingFilename",
    "ScannerDown",
    "TooLarge",
    "UnsupportedType",
    "UploadInspector",
    "UploadRejected",
]
