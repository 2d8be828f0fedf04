"""Ranked full-text search over a tenant's documents in PostgreSQL, with highlighted snippets,
filters and cursor pagination (the route: http/search_route.py)."""

from __future__ import annotations

import base64
import binascii
import html
import json
import uuid
from datetime import datetime

import asyncpg

from services.gateway.http.schemas import SearchHit, SearchResults
from services.gateway.storage.tsquery import InvalidQuery, to_tsquery_text
from shared.db.guarded import GuardedPool
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


class InvalidSearch(Problem):
    problem_type = "invalid-search"
    title = "Invalid search"


def encode_cursor(rank: float, document_id: str) -> str:
    raw = json.dumps([rank, document_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank, document_id = json.loads(raw)
        return float(rank), str(uuid.UUID(document_id))
    except (binascii.Error, ValueError, TypeError):
        raise InvalidSearch("the cursor is not one this API handed out") from None


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
        raise InvalidSearch(str(exc)) from None
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
