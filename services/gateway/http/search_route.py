"""``GET /v1/search``: full-text search over the caller's documents (the SQL: storage/search.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.gateway.http.openapi import API_KEY_REQUIRED, problems
from services.gateway.http.schemas import SearchResults
from services.gateway.storage.search import InvalidSearch, search_documents
from shared.db.guarded import GuardedPool
from shared.kinds import DocumentKind


def _moment(name: str, value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time; nothing else (no bare numbers) is taken for a time."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidSearch(f"{name} must be an ISO 8601 date or date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@get(
    "/v1/search",
    tags=["search"],
    summary="Full-text search over your documents",
    responses=problems(400, 401, 429, 503),
    security=API_KEY_REQUIRED,
)
async def search_route(
    db: NamedDependency[GuardedPool],
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
        db,
        tenant,
        q,
        kinds=list(type) if type else None,
        created_after=_moment("created_after", created_after),
        created_before=_moment("created_before", created_before),
        cursor=cursor,
        limit=limit,
    )
