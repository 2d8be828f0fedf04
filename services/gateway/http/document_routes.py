"""The documents API: list, one document, its text, deletion (the upload: upload_route.py).

Every lookup is scoped to the caller's tenant: another tenant's document answers exactly like an
unknown id (404), and so does a malformed id.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import uuid
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, delete, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from services.gateway.admission import ObjectWriter
from services.gateway.http.openapi import (
    API_KEY_REQUIRED,
    READ_PROBLEMS,
    problems,
)
from services.gateway.http.schemas import (
    DocumentPage,
    DocumentText,
    DocumentView,
    Keyword,
    Status,
    links,
)
from services.gateway.settings import GatewaySettings
from services.gateway.storage.documents import Cursor, PgDocuments
from shared.web.problems import Problem

NOT_FOUND = "No document with this id."
TERMINAL = frozenset({"processed", "failed"})


class DocumentNotFound(Problem):
    status = 404
    problem_type = "not-found"
    title = "Document not found"


class InvalidCursor(Problem):
    problem_type = "invalid-cursor"
    title = "Invalid cursor"


class TextNotReady(Problem):
    status = 409
    problem_type = "text-not-ready"
    title = "Text not extracted yet"


def not_found() -> DocumentNotFound:
    return DocumentNotFound(NOT_FOUND)


def parse_id(document_id: str) -> str:
    try:
        return str(uuid.UUID(document_id))
    except ValueError:
        raise not_found() from None  # a malformed id is just another unknown id


def encode_cursor(row: dict[str, Any]) -> str:
    raw = f"{row['created_at'].isoformat()}|{row['id']}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        created_at, _, document_id = raw.partition("|")
        return Cursor(datetime.fromisoformat(created_at), str(uuid.UUID(document_id)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("Use the next_cursor of a previous page.") from None


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
        scan_status=row["scan_status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        links=links(document_id),
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


class DocumentsController(Controller):
    path = "/v1/documents"
    tags = ["documents"]
    security = API_KEY_REQUIRED

    @get("/", summary="List the tenant's documents, newest first", responses=READ_PROBLEMS)
    async def list_documents(
        self,
        documents: NamedDependency[PgDocuments],
        tenant: NamedDependency[str],
        status: FromQuery[Status | None] = None,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> DocumentPage:
        after = decode_cursor(cursor) if cursor else None
        rows = await documents.page(tenant, status=status, after=after, limit=limit + 1)
        page = rows[:limit]
        return DocumentPage(
            items=[to_view(row) for row in page],
            next_cursor=encode_cursor(page[-1]) if len(rows) > limit else None,
        )

    @get(
        "/{document_id:str}",
        summary="A document's status and, once processed, its summaries and keywords",
        description="`?wait=SECONDS` holds the answer until the document is processed or "
        "failed, or the time is up (long-poll; at most the server's events limit, 300 s by "
        "default).",
        responses=READ_PROBLEMS,
    )
    async def read(
        self,
        documents: NamedDependency[PgDocuments],
        settings: NamedDependency[GatewaySettings],
        tenant: NamedDependency[str],
        document_id: FromPath[str],
        wait: Annotated[float, QueryParameter(ge=0, le=60)] = 0,
    ) -> DocumentView:
        key = parse_id(document_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(wait, settings.events_max_seconds)
        while True:
            row = await documents.get(tenant, key)
            if row is None:
                raise not_found()
            if row["status"] in TERMINAL or loop.time() >= deadline:
                return to_view(row)
            await asyncio.sleep(min(settings.events_poll_seconds, deadline - loop.time()))

    @get(
        "/{document_id:str}/text",
        summary="The text extracted from the document",
        responses={**READ_PROBLEMS, **problems(409)},
    )
    async def text(
        self,
        documents: NamedDependency[PgDocuments],
        tenant: NamedDependency[str],
        document_id: FromPath[str],
    ) -> DocumentText:
        key = parse_id(document_id)
        row = await documents.text(tenant, key)
        if row is None:
            raise not_found()
        if row["text"] is None:
            raise TextNotReady(
                f"The document is {row['status']}; its text is not available.",
                document_status=row["status"],
            )
        return DocumentText(
            id=key,
            text=row["text"],
            char_count=row["char_count"],
            word_count=row["word_count"],
            title=row["title"],
            language=row["language"],
        )

    @delete(
        "/{document_id:str}",
        status_code=204,
        summary="Delete the document: its stored bytes, its row, its text and memories",
        responses=READ_PROBLEMS,
    )
    async def remove(
        self,
        documents: NamedDependency[PgDocuments],
        objects: NamedDependency[ObjectWriter],
        tenant: NamedDependency[str],
        document_id: FromPath[str],
    ) -> None:
        object_name = await documents.delete(tenant, parse_id(document_id))
        if object_name is None:
            raise not_found()
        await objects.delete(object_name)
