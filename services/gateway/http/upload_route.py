"""``POST /v1/documents``, the HTTP door to ``admit``. Two body forms, both read as a stream:

- ``multipart/form-data`` with a ``file`` part (an optional ``priority`` field may precede it);
- the raw bytes, with the document's Content-Type and its name in ``?filename=`` or a
  ``Content-Disposition: attachment; filename=…`` header.

Priority comes from ``?priority=`` (or the form field); ``Idempotency-Key`` is honoured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, get_args

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.exceptions import InternalServerException
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, HeaderParameter, QueryParameter
from litestar.response import Response
from multipart import parse_options_header

from services.gateway.admission import Admission, AdmissionDeps, admit, fields_for
from services.gateway.edge.access_guard import CLIENT_IP
from services.gateway.edge.load_shedding import LoadShedder, UploadSlots
from services.gateway.http.multipart import MalformedMultipart, MultipartReader, boundary_of
from services.gateway.http.openapi import API_KEY_REQUIRED, UPLOAD_PROBLEMS, UploadOperation
from services.gateway.http.schemas import UploadAccepted, links
from services.gateway.intake import InvalidUpload, TooLarge
from services.gateway.intake.kind_rules import clean_filename, decide_kind
from shared.events import Priority

# Room for the multipart envelope (boundaries, part headers, small fields) around the file.
ENVELOPE_BYTES = 64 * 1024
PRIORITIES = get_args(Priority)


class MissingFilePart(InvalidUpload):
    problem_type = "missing-file"
    title = "The form has no file"


class IncompleteUpload(InvalidUpload):
    problem_type = "incomplete-upload"
    title = "The upload ended before its body was complete"


@dataclass
class UploadGate:
    slots: UploadSlots
    shedder: LoadShedder
    admission: AdmissionDeps


def accepted_view(admission: Admission) -> UploadAccepted:
    """The HTTP answer, a contract of its own, from the admission's fields of the same name."""
    return UploadAccepted(
        id=admission.document_id,
        links=links(admission.document_id),
        **fields_for(admission, UploadAccepted),
    )


async def _body(request: Request[Any, Any, Any]) -> AsyncIterator[bytes]:
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except InternalServerException:  # Litestar's signal that the client hung up mid-body
        raise IncompleteUpload("the client closed the connection mid-upload") from None


def _check_announced_size(request: Request[Any, Any, Any], limit: int, margin: int) -> None:
    """413 before reading anything when Content-Length already says the body is too big."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + margin:
        raise TooLarge(
            f"the body is larger than this file type's limit of {limit} bytes", limit=limit
        )


@post(
    "/v1/documents",
    status_code=202,
    tags=["documents"],
    security=API_KEY_REQUIRED,
    summary="Upload a document",
    description=(
        "txt, md, csv, json, html, pdf or docx, as multipart/form-data (`file` part) or as "
        "the raw body with the document's Content-Type and `?filename=`. 202 for a new "
        "document; 200 with `duplicate: true` when the tenant already has these bytes."
    ),
    operation_class=UploadOperation,
    responses={
        200: ResponseSpec(UploadAccepted, description="Already known: the existing document"),
        **UPLOAD_PROBLEMS,
    },
)
async def upload(
    request: Request[Any, Any, Any],
    uploads: NamedDependency[UploadGate],
    tenant: NamedDependency[str],
    priority: FromQuery[Priority] = "normal",
    filename: Annotated[str | None, QueryParameter(max_length=255)] = None,
    idempotency_key: Annotated[
        str | None, HeaderParameter(name="Idempotency-Key", min_length=1, max_length=255)
    ] = None,
) -> Response[UploadAccepted]:
    origin = request.state.get(CLIENT_IP)
    uploads.shedder.check(priority)
    with uploads.slots.take():
        content_type = request.headers.get("content-type", "")
        if content_type.lower().startswith("multipart/"):
            admission = await _admit_form(
                request, uploads, tenant, priority, idempotency_key, origin
            )
        else:
            name = filename or _disposition_filename(request.headers.get("content-disposition"))
            kind = decide_kind(clean_filename(name), content_type)
            _check_announced_size(request, uploads.admission.policy.limit_for(kind), 0)
            admission = await admit(
                _body(request),
                filename=name,
                declared_type=content_type,
                tenant=tenant,
                priority=priority,
                idempotency_key=idempotency_key,
                deps=uploads.admission,
                origin=origin,
            )
    headers = {"Location": f"/v1/documents/{admission.document_id}"}
    if admission.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        accepted_view(admission),
        status_code=200 if admission.duplicate else 202,
        headers=headers,
    )


def _disposition_filename(header: str | None) -> str | None:
    if not header:
        return None
    _, options = parse_options_header(header)
    return options.get("filename") or None


async def _admit_form(
    request: Request[Any, Any, Any],
    gate: UploadGate,
    tenant: str,
    priority: Priority,
    idempotency_key: str | None,
    origin: str | None,
) -> Admission:
    reader = MultipartReader(_body(request), boundary_of(request.headers.get("content-type")))
    try:
        async for part in reader:
            if part.name == "priority" and part.filename is None:
                value = await part.text(max_bytes=16)
                if value not in PRIORITIES:
                    raise MalformedMultipart(f"priority must be one of {', '.join(PRIORITIES)}")
                priority = value  # type: ignore[assignment]
            elif part.name == "file":
                kind = decide_kind(clean_filename(part.filename), part.content_type)
                limit = gate.admission.policy.limit_for(kind)
                _check_announced_size(request, limit, ENVELOPE_BYTES)
                gate.shedder.check(priority)
                return await admit(
                    part.chunks(),
                    filename=part.filename,
                    declared_type=part.content_type,
                    tenant=tenant,
                    priority=priority,
                    idempotency_key=idempotency_key,
                    deps=gate.admission,
                    origin=origin,
                )
        raise MissingFilePart("send the document in a multipart part named 'file'")
    finally:
        await reader.aclose()
