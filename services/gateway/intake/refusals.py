"""Why an upload was refused, as data the HTTP gateway and the NATS front door both answer with.

Each refusal is a ``Problem`` (shared/web/problems.py): it fixes the HTTP ``status`` and a stable
``problem_type``; ``extra`` carries machine-readable details such as the byte limit or the
detected MIME type, so clients never have to parse ``detail``. Almost every refusal is permanent
(``InvalidUpload``); the one that may pass later, ``ScannerDown``, is a ``RetryableError``: the
NATS front door redelivers it instead of dead-lettering it.
"""

from __future__ import annotations

from shared.errors import PermanentError, RetryableError
from shared.web.problems import Problem


class UploadRejected(Problem):
    """Base class of every refusal of an upload."""

    problem_type = "invalid-upload"
    title = "The upload was rejected"


class InvalidUpload(UploadRejected, PermanentError):
    """The upload can never be accepted as it is."""


class MissingFilename(InvalidUpload):
    problem_type = "missing-filename"
    title = "The upload has no file name"


class InvalidFilename(InvalidUpload):
    problem_type = "invalid-filename"
    title = "The file name is not acceptable"


class EmptyFile(InvalidUpload):
    problem_type = "empty-file"
    title = "The uploaded file is empty"


class UnsupportedType(InvalidUpload):
    """The name, the declared type or the bytes themselves are not an accepted document kind."""

    status = 415
    problem_type = "unsupported-type"
    title = "The file type is not supported"


class TooLarge(InvalidUpload):
    status = 413
    problem_type = "too-large"
    title = "The file is too large"


class InvalidContent(InvalidUpload):
    """The bytes are of the right kind but broken (bad CSV rows, malformed JSON, binary text)."""

    status = 422
    problem_type = "invalid-content"
    title = "The file content is not valid"


class BinaryContent(InvalidContent):
    """Binary bytes in a file that must be text."""


class Infected(InvalidUpload):
    status = 422
    problem_type = "infected"
    title = "The file contains malware"


class ScannerDown(UploadRejected, RetryableError):
    """Fail-closed answer while the malware scanner cannot be reached; the client may retry."""

    status = 503
    retry_after = 30
    problem_type = "scanner-unavailable"
    title = "The malware scanner is unavailable"
