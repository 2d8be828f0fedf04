"""Turns one submit message into an answer: decode, check, admit, and say where things stand.

Both bus entrances (request/reply and JetStream) come through ``SubmissionDesk.submit``; it never
raises. Every refusal becomes a ``rejected`` reply with a stable ``problem_type``; an unexpected
failure becomes a ``rejected`` reply with ``retryable=True`` (and a logged traceback), so a
producer is never left without an answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nats.js.object_store import ObjectStore

from services.gateway.admission import AdmissionDeps, admit
from services.gateway.busdoor.content import content_chunks
from services.gateway.busdoor.metadata import PgMetadata
from services.gateway.busdoor.rejections import (
    InvalidMetadata,
    InvalidTenant,
    MalformedSubmission,
    UnknownVersion,
)
from services.gateway.intake import UploadRejected
from shared.events.codec import UndecodableMessage, decode
from shared.events.submission import (
    MAX_METADATA_ENTRIES,
    MAX_METADATA_KEY_CHARS,
    MAX_METADATA_VALUE_CHARS,
    SUBMIT_VERSIONS,
    SubmitDocumentV1,
    SubmitReplyV1,
    results_prefix,
    valid_tenant,
)
from shared.telemetry import metrics

log = logging.getLogger(__name__)


@dataclass
class SubmissionDesk:
    namespace: str
    admission: AdmissionDeps  # the HTTP door's own: one validation and storage path
    bucket: ObjectStore | None = None
    metadata: PgMetadata | None = None

    async def submit(self, tenant: str, version: str, payload: bytes) -> SubmitReplyV1:
        key: str | None = None
        try:
            submission = self._parse(tenant, version, payload)
            key = submission.idempotency_key
            reply = await self._admit(tenant, submission)
        except UploadRejected as exc:
            log.info("submission refused (%s): %s", exc.problem_type, exc.detail)
            metrics.documents.labels("busdoor", "rejected").inc()
            return SubmitReplyV1(
                status="rejected",
                idempotency_key=key,
                problem_type=exc.problem_type,
                reason=exc.detail,
                retryable=exc.retryable,
            )
        except Exception:
            log.exception("submission failed unexpectedly")
            return SubmitReplyV1(
                status="rejected",
                idempotency_key=key,
                problem_type="internal-error",
                reason="the submission could not be processed now; try again later",
                retryable=True,
            )
        return reply

    def _parse(self, tenant: str, version: str, payload: bytes) -> SubmitDocumentV1:
        if version not in SUBMIT_VERSIONS:
            raise UnknownVersion(
                f"submit version {version!r} is not served; served: {', '.join(SUBMIT_VERSIONS)}",
                supported=list(SUBMIT_VERSIONS),
            )
        if not valid_tenant(tenant):
            raise InvalidTenant(f"{tenant!r} is not a valid tenant id")
        try:
            submission = decode(payload, SubmitDocumentV1)
        except UndecodableMessage as exc:
            raise MalformedSubmission(str(exc)) from None
        _check_metadata(submission.metadata)
        return submission

    async def _admit(self, tenant: str, submission: SubmitDocumentV1) -> SubmitReplyV1:
        # A referenced object larger than every per-kind limit is refused before it is downloaded.
        largest = self.admission.policy.largest_limit()
        async with content_chunks(submission.content, tenant, self.bucket, largest) as chunks:
            admitted = await admit(
                chunks,
                filename=submission.filename,
                declared_type=submission.declared_type,
                tenant=tenant,
                priority=submission.priority,
                idempotency_key=submission.idempotency_key,
                deps=self.admission,
            )
        if submission.metadata and self.metadata is not None:
            await self.metadata.remember(admitted.document_id, submission.metadata)
        metrics.documents.labels("busdoor", "accepted").inc()
        return SubmitReplyV1(
            status="duplicate" if admitted.duplicate or admitted.replayed else "accepted",
            document_id=admitted.document_id,
            sha256=admitted.sha256,
            size=admitted.size,
            idempotency_key=submission.idempotency_key,
            results=results_prefix(self.namespace, tenant, admitted.document_id),
        )


def _check_metadata(metadata: dict[str, str]) -> None:
    if len(metadata) > MAX_METADATA_ENTRIES:
        raise InvalidMetadata(f"at most {MAX_METADATA_ENTRIES} metadata entries are accepted")
    for key, value in metadata.items():
        if not key or len(key) > MAX_METADATA_KEY_CHARS:
            raise InvalidMetadata(f"metadata keys have 1 to {MAX_METADATA_KEY_CHARS} characters")
        if len(value) > MAX_METADATA_VALUE_CHARS:
            raise InvalidMetadata(
                f"the metadata value of {key!r} is longer than"
                f" {MAX_METADATA_VALUE_CHARS} characters"
            )
