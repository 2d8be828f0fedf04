"""``GET /v1/search``: ranked full-text search over a tenant's documents, with highlighted
snippets, filters and cursor pagination."""

from __future__ import annotations

import base64
import binascii
import html
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated

import asyncpg
import msgspec
from litestar import get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.gateway.openapi_docs import API_KEY_REQUIRED, problems
from services.gateway.search_query import InvalidQuery, to_tsquery_text
from shared.db.guarded import GuardedPool
from shared.kinds import DocumentKind
from shared.web.problems import Problem

# Markers no document contains, swapped for <mark> after the snippet is HTML-escaped.
_START, _STOP = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"MaxFragments=2, MinWords=6, MaxWords=20, StartSel={_START}, StopSel={_STOP}, "
    'FragmentDelimiter=" … "'
)

_RANKED = """
WITH q AS (SELECT to_tsquery('english', $2) || to_tsquery('simple', $2) AS query)
SELECT h.document_id, h.rank FROM (
    SELECT s.document_id, ts_rank_cd(s.tsv, q.query)::float8 AS rank
    FROM document_search s, q
    WHERE s.tenant = $1 AND s.tsv @@ q.query
      AND ($3::text[] IS NULL OR s.kind = ANY($3))
      AND ($4::timestamptz IS NULL OR s.created_at >= $4)
      AND ($5::timestamptz IS NULL OR s.created_at < $5)
) h
WHERE $6::float8 IS NULL OR (h.rank, h.document_id) < ($6, $7::uuid)
ORDER BY h.rank DESC, h.document_id DESC
LIMIT $8
"""

_PAGE = """
WITH q AS (SELECT to_tsquery('english', $2) || to_tsquery('simple', $2) AS query)
SELECT d.id, d.filename, d.kind, d.status, d.created_at, t.title,
       m.summaries->>'short' AS summary,
       ts_headline(sum_text_config(t.language), left(t.text, 50000), q.query, $3) AS snippet
FROM documents d
JOIN document_texts t ON t.document_id = d.id
LEFT JOIN memories m ON m.document_id = d.id, q
WHERE d.id = ANY($1::uuid[])
"""


class SearchHit(msgspec.Struct):
    id: str
    filename: str
    kind: str
    status: str
    created_at: datetime
    rank: float
    snippet: str
    title: str | None = None
    summary: str | None = None


class SearchResults(msgspec.Struct):
    query: str
    results: list[SearchHit]
    next_cursor: str | None = None


def _bad(detail: str) -> Problem:
    return Problem(400, "invalid-search", "Invalid search", detail)


def encode_cursor(rank: float, document_id: str) -> str:
    raw = json.dumps([rank, document_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank, document_id = json.loads(raw)
        return float(rank), str(uuid.UUID(document_id))
    except (binascii.Error, ValueError, TypeError):
        raise _bad("the cursor is not one this API handed out") from None


def highlight(snippet: str | None) -> str:
    escaped = html.escape(snippet or "")
    return escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")


async def search_documents(
    pool: asyncpg.Pool | GuardedPool,
    tenant: str,
    query: str,
    *,
    kinds: list[str] | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> SearchResults:
    try:
        tsquery = to_tsquery_text(query)
    except InvalidQuery as exc:
        raise _bad(str(exc)) from None
    after_rank, after_id = decode_cursor(cursor) if cursor else (None, None)
    ranked = await pool.fetch(
        _RANKED,
        tenant,
        tsquery,
        kinds or None,
        created_after,
        created_before,
        after_rank,
        after_id,
        limit + 1,
    )
    page, more = ranked[:limit], len(ranked) > limit
    ids = [r["document_id"] for r in page]
    # A search that found nothing needs no second round trip for snippets.
    details = await pool.fetch(_PAGE, ids, tsquery, HEADLINE_OPTIONS) if ids else []
    rows = {r["id"]: r for r in details}
    hits = [
        SearchHit(
            id=str(r["document_id"]),
            filename=row["filename"],
            kind=row["kind"],
            status=row["status"],
            created_at=row["created_at"],
            rank=round(r["rank"], 6),
            snippet=highlight(row["snippet"]),
            title=row["title"],
            summary=row["summary"],
        )
        for r in page
        if (row := rows.get(r["document_id"])) is not None
    ]
    next_cursor = (
        encode_cursor(page[-1]["rank"], str(page[-1]["document_id"])) if more and page else None
    )
    return SearchResults(query=query, results=hits, next_cursor=next_cursor)


def _moment(name: str, value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time; nothing else (no bare numbers) is taken for a time."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(f"{name} must be an ISO 8601 date or date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@get(
    "/v1/search",
    tags=["search"],
    summary="Full-text search over your documents",
    responses=problems(400, 401, 429, 503),
    security=API_KEY_REQUIRED,
)
async def search_route(
    state: State,
    tenant: NamedDependency[str],
    q: Annotated[
        str,
        QueryParameter(
            description='Words, "phrases", prefix*, -exclude, OR', min_length=1, max_length=500
        ),
    ],
    type: Annotated[list[DocumentKind] | None, QueryParameter(description="Kinds")] = None,
    created_after: Annotated[
        str | None, QueryParameter(description="ISO 8601; created at or after", max_length=40)
    ] = None,
    created_before: Annotated[
        str | None, QueryParameter(description="ISO 8601; created before", max_length=40)
    ] = None,
    cursor: Annotated[
        str | None, QueryParameter(description="next_cursor of a previous page", max_length=200)
    ] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> SearchResults:
    return await search_documents(
        state.db,
        tenant,
        q,
        kinds=list(type) if type else None,
        created_after=_moment("created_after", created_after),
        created_before=_moment("created_before", created_before),
        cursor=cursor,
        limit=limit,
    )


__all__ = ["SearchResults", "search_documents", "search_route"]
