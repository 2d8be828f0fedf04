"""Submitting documents over NATS: the message a producer sends, the answer it gets, the subjects.

Subjects (``<ns>`` is the installation's namespace, ``<tenant>`` one NATS token):

- ``<ns>.tenants.<tenant>.submit.v1`` — request/reply over core NATS; answered with
  ``SubmitReplyV1``.
- ``<ns>.tenants.<tenant>.submit.v1.durable`` — publish with JetStream (stream
  ``<NS>_SUBMISSIONS``); the answer goes to the subject in the ``Sum-Reply-To`` header when the
  message has one (it must lie under ``<ns>.tenants.<tenant>.replies.``).
- ``<ns>.tenants.<tenant>.documents.<id>.<status>.v1`` — the document's status events
  (``received``, ``ingested``, ``processed``, ``failed``), with the same payloads as the
  internal ``<ns>.documents.<status>.v1.<priority>`` events.

Request/reply and durable submits need different subjects: a stream that captured the request
subject would answer every core request with its own publish acknowledgement first.

Within a version only additive changes are allowed; a breaking change is ``submit.v2``.
"""

from __future__ import annotations

import re
from typing import Literal

import msgspec

from shared.events.documents import Priority

# Inline content, measured after UTF-8 encoding (text) or base64 decoding (bytes). Base64 adds a
# third, so 512 KiB of bytes travel as ~683 KiB of JSON: the whole message stays below NATS's
# default max_payload of 1 MiB with room for the other fields. Larger documents go into the
# uploads bucket first and are submitted by reference.
INLINE_CONTENT_LIMIT = 512 * 1024
MAX_METADATA_ENTRIES = 32
MAX_METADATA_KEY_CHARS = 64
MAX_METADATA_VALUE_CHARS = 1024
REPLY_TO_HEADER = "Sum-Reply-To"
SUBMIT_VERSIONS = ("v1",)
STATUSES = ("received", "ingested", "processed", "failed")

# A tenant id is a single NATS subject token; this keeps it also safe in object names and logs.
TENANT_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class InlineText(msgspec.Struct, tag_field="source", tag="text", frozen=True):
    """The document as text (UTF-8)."""

    text: str


class InlineBytes(msgspec.Struct, tag_field="source", tag="base64", frozen=True):
    """The document's bytes, base64-encoded in JSON."""

    data: bytes


class ObjectReference(msgspec.Struct, tag_field="source", tag="object", frozen=True):
    """An object the producer already put into the uploads bucket ``<ns>_uploads``; its name
    must start with ``incoming/<tenant>/`` of the submitting tenant."""

    name: str


SubmitContent = InlineText | InlineBytes | ObjectReference


class SubmitDocumentV1(msgspec.Struct, kw_only=True, frozen=True):
    """A request to take in one document, sent to ``<ns>.tenants.<tenant>.submit.v1``."""

    filename: str
    content: SubmitContent
    declared_type: str | None = None
    priority: Priority = "normal"
    # The same key from the same tenant answers ``duplicate`` with the first document's id.
    idempotency_key: str | None = None
    metadata: dict[str, str] = msgspec.field(default_factory=dict)


SubmitStatus = Literal["accepted", "duplicate", "rejected"]


class SubmitReplyV1(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Where a submission stands. ``rejected`` carries a stable ``problem_type`` and a reason;
    ``retryable`` is true only when the same message may succeed later (e.g. scanner outage)."""

    status: SubmitStatus
    document_id: str | None = None
    sha256: str | None = None
    size: int | None = None
    idempotency_key: str | None = None
    # Where the document's status events appear: subscribe to ``<results>.>``.
    results: str | None = None
    problem_type: str | None = None
    reason: str | None = None
    retryable: bool = False


def submit_subject(namespace: str, tenant: str, version: str = "v1") -> str:
    return f"{namespace}.tenants.{tenant}.submit.{version}"


def durable_submit_subject(namespace: str, tenant: str, version: str = "v1") -> str:
    return f"{submit_subject(namespace, tenant, version)}.durable"


def results_prefix(namespace: str, tenant: str, document_id: str) -> str:
    return f"{namespace}.tenants.{tenant}.documents.{document_id}"


def result_subject(namespace: str, tenant: str, document_id: str, status: str) -> str:
    return f"{results_prefix(namespace, tenant, document_id)}.{status}.v1"


def replies_prefix(namespace: str, tenant: str) -> str:
    return f"{namespace}.tenants.{tenant}.replies"


def valid_tenant(tenant: str) -> bool:
    return TENANT_PATTERN.fullmatch(tenant) is not None


def incoming_prefix(tenant: str) -> str:
    """Where a tenant's producer stages objects it submits by reference."""
    return f"incoming/{tenant}/"


def submissions_stream(namespace: str) -> str:
    """The stream that keeps JetStream-published submits until the gateway has handled them."""
    return f"{namespace.upper()}_SUBMISSIONS"
