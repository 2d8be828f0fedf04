"""HTTP routes of the documents API. Thin: translate HTTP to plain handler calls and back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State, UploadFile
from litestar.params import FromPath
from litestar.response import Response

from services.gateway.repository import PgDocuments
from services.gateway.schemas import DocumentView, Keyword, Links, UploadAccepted
from services.gateway.uploads import UploadDeps, accept_upload
from shared.web.problems import Problem

NOT_FOUND = "No document with this id."


def _links(document_id: str) -> Links:
    return Links(self=f"/v1/documents/{document_id}")


async def _file_chunks(upload: UploadFile, size: int) -> AsyncIterator[bytes]:
    while chunk := await upload.read(size):
        yield chunk


class DocumentsController(Controller):
    path = "/v1/documents"
    tags = ["documents"]

    @post(
        "/",
        status_code=202,
        summary="Upload a document",
        description="multipart/form-data with a `file` part (txt, md, csv, json, html, pdf, docx).",
    )
    async def upload(self, request: Request[Any, Any, State], state: State) -> UploadAccepted:
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Problem(
                400,
                "missing-file",
                "Missing file",
                "Send the document as multipart/form-data in a part named 'file'.",
            )
        deps: UploadDeps = state.upload_deps
        accepted = await accept_upload(
            _file_chunks(upload, state.settings.upload_chunk_size), upload.filename, deps
        )
        return UploadAccepted(
            id=accepted.id,
            status="received",
            sha256=accepted.sha256,
            size=accepted.size,
            duplicate=False,
            links=_links(accepted.id),
        )

    @get("/{document_id:str}", summary="A document's status and, once processed, its memories")
    async def read(self, document_id: FromPath[str], state: State) -> Response[DocumentView]:
        documents: PgDocuments = state.documents
        row = await documents.get("default", _parse_id(document_id))
        if row is None:
            raise Problem(404, "not-found", "Document not found", NOT_FOUND)
        return Response(to_view(row))


def _parse_id(document_id: str) -> str:
    try:
        return str(uuid.UUID(document_id))
    except ValueError:
        # A malformed id is just another unknown id to the client.
        raise Problem(404, "not-found", "Document not found", NOT_FOUND) from None


def to_view(row: dict[str, Any]) -> DocumentView:
    document_id = str(row["id"])
    summaries = row.get("summaries")
    keywords = row.get("keywords")
    return DocumentView(
        id=document_id,
        status=row["status"],
        filename=row["filename"],
        content_type=row["content_type"],
        kind=row["kind"],
        size=row["size_bytes"],
        sha256=row["sha256"],
        priority=row["priority"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        links=_links(document_id),
        failure_reason=row.get("failure_reason"),
        failed_stage=row.get("failed_stage"),
        trace_id=row.get("trace_id"),
        summary=summaries.get("short") if summaries else None,
        summaries=summaries,
        keywords=[Keyword(term=k["term"], score=k["score"]) for k in keywords]
        if keywords
        else None,
        summary_method=row.get("summary_method"),
    )
