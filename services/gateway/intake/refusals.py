"""Why an upload was refused, as data the HTTP gateway and the NATS front door can both answer with.

Each subclass fixes the HTTP ``status`` and a stable ``problem_type`` slug (the last part of an
RFC 9457 problem ``type``). ``extra`` carries machine-readable details such as the byte limit or
the detected MIME type, so clients never have to parse ``detail``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from shared.errors import PermanentError


class UploadRejected(PermanentError):
    """Base class: the upload can never be accepted as it is."""

    status: ClassVar[int] = 400
    problem_type: ClassVar[str] = "invalid-upload"
    title: ClassVar[str] = "The upload was rejected"
    # True only when the same bytes may succeed later (scanner outage): the NATS front door
    # redelivers those instead of dead-lettering them.
    retryable: ClassVar[bool] = False

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = extra

    def problem(self) -> dict[str, Any]:
        """The problem-details fields (without ``type`` base URI and ``instance``)."""
        return {
            "problem_type": self.problem_type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extra,
        }


class MissingFilename(UploadRejected):
    problem_type = "missing-filename"
    title = "The upload has no file name"


class InvalidFilename(UploadRejected):
    problem_type = "invalid-filename"
    title = "The file name is not acceptable"


class EmptyFile(UploadRejected):
    problem_type = "empty-file"
    title = "The uploaded file is empty"


class UnsupportedType(UploadRejected):
    """The name, the declared type or the bytes themselves are not an accepted document kind."""

    status = 415
    problem_type = "unsupported-type"
    title = "The file type is not supported"


class TooLarge(UploadRejected):
    status = 413
    problem_type = "too-large"
    title = "The file is too large"


class InvalidContent(UploadRejected):
    """The bytes are of the right kind but broken (bad CSV rows, malformed JSON, binary text)."""

    status = 422
    problem_type = "invalid-content"
    title = "The file content is not valid"


class BinaryContent(InvalidContent):
    """Binary bytes in a file that must be text."""


class Infected(UploadRejected):
    status = 422
    problem_type = "infected"
    title = "The file contains malware"


class ScannerDown(UploadRejected):
    """Fail-closed answer while the malware scanner cannot be reached; the client may retry."""

    status = 503
    retryable = True
    problem_type = "scanner-unavailable"
    title = "The malware scanner is unavailable"
