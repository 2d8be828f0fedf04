"""Refusals that only a bus submission can earn; the intake's own refusals are reused as they are.

All are ``InvalidUpload``: one ``problem_type`` vocabulary for both doors.
"""

from __future__ import annotations

from services.gateway.intake import InvalidUpload


class MalformedSubmission(InvalidUpload):
    problem_type = "malformed-message"
    title = "The message is not a valid submission"


class UnknownVersion(InvalidUpload):
    problem_type = "unknown-version"
    title = "This version of the submit contract is not served here"


class InvalidTenant(InvalidUpload):
    problem_type = "invalid-tenant"
    title = "The subject does not name a valid tenant"


class InvalidMetadata(InvalidUpload):
    problem_type = "invalid-metadata"
    title = "The submission's metadata is not acceptable"


class InvalidReference(InvalidUpload):
    problem_type = "invalid-reference"
    title = "The object reference is not acceptable"


class ForeignObject(InvalidUpload):
    status = 403
    problem_type = "foreign-object"
    title = "The referenced object does not belong to the submitting tenant"


class ObjectNotFound(InvalidUpload):
    status = 404
    problem_type = "object-missing"
    title = "The referenced object is not in the uploads bucket"
