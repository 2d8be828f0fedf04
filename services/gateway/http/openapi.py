"""What the OpenAPI document says beyond what Litestar infers: the upload bodies (read as a stream,
so invisible to Litestar), the problem answers of each route, and the bearer-key scheme.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    Operation,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIType

from services.gateway.http.schemas import ProblemDetails
from shared.kinds import CANONICAL_MIME
from shared.web.problems import PROBLEM_JSON

_WHY = {
    400: "The request is malformed (empty file, missing name, bad multipart, bad parameter)",
    401: "No valid API key",
    404: "No such document for this tenant",
    409: "The document's text has not been extracted yet",
    413: "The file is larger than its type's limit",
    415: "The file's type is not accepted, or its bytes are not what its name says",
    422: "The content is invalid (broken CSV/JSON/PDF/DOCX) or contains malware",
    429: "The API key's rate limit is used up (see Retry-After and RateLimit-*)",
    503: "Overloaded, or a dependency (scanner, rate limiter) is unavailable; see Retry-After",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            media_type=PROBLEM_JSON,
            description=_WHY[status],
            generate_examples=False,
        )
        for status in statuses
    }


READ_PROBLEMS = problems(400, 401, 404, 429, 503)
UPLOAD_PROBLEMS = problems(400, 401, 413, 415, 422, 429, 503)

_BINARY = Schema(type=OpenAPIType.STRING, format="binary")  # type: ignore[arg-type]


@dataclass
class UploadOperation(Operation):
    """The two ways to send a document: a multipart form with a ``file`` part, or the raw bytes
    with the document's own Content-Type."""

    def __post_init__(self) -> None:
        form = Schema(
            type=OpenAPIType.OBJECT,
            properties={
                "file": _BINARY,
                "priority": Schema(type=OpenAPIType.STRING, enum=["high", "normal", "low"]),
            },
            required=["file"],
        )
        content = {"multipart/form-data": OpenAPIMediaType(schema=form)}
        for mime in sorted(set(CANONICAL_MIME.values())):
            # A JSON document may be any JSON value; the other kinds are bytes.
            schema = Schema() if mime == "application/json" else _BINARY
            content[mime] = OpenAPIMediaType(schema=schema)
        self.request_body = RequestBody(content=content, required=True)


# On the API routes only: /health/*, /metrics and /schema are open.
API_KEY_REQUIRED: list[dict[str, list[str]]] = [{"apiKey": []}]


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="SUM gateway",
        version="1",
        path="/schema",
        description=(
            "Upload documents and read their status, text, summaries and keywords. Every "
            "endpoint except /health/*, /metrics and /schema needs `Authorization: Bearer "
            "sum_…`. Errors are RFC 9457 `application/problem+json` with a stable `type`."
        ),
        components=Components(
            security_schemes={
                "apiKey": SecurityScheme(type="http", scheme="bearer", description="sum_… key")
            }
        ),
    )
