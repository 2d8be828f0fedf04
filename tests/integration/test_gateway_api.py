"""The gateway in-process with its real adapters: uploads, reads, problems, health, schema."""

from collections.abc import AsyncIterator

import nats
import pytest
from litestar.testing import AsyncTestClient

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.config import load_settings
from shared.events import DocumentReceivedV1, Names, decode
from tests.conftest import NATS_URL

pytestmark = pytest.mark.integration


@pytest.fixture
async def client(service_env: dict[str, str]) -> AsyncIterator[AsyncTestClient]:
    settings = load_settings(GatewaySettings, service_env)
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def test_upload_stores_bytes_row_and_event(client, namespace: str) -> None:
    # The app runs its adapters on the test client's own loop: observe through our own connection.
    nc = await nats.connect(NATS_URL)
    sub = await nc.subscribe(f"{namespace}.documents.received.v1.>")
    await nc.flush()
    answer = await client.post(
        "/v1/documents", files={"file": ("notes.md", b"# Notes\n\nSome text.", "text/markdown")}
    )
    assert answer.status_code == 202
    body = answer.json()
    event = decode((await sub.next_msg(timeout=5)).data, DocumentReceivedV1)
    assert event.document_id == body["id"] and event.kind == "md" and event.size == 19

    store = await nc.jetstream().object_store(Names(namespace).uploads_bucket)
    assert (await store.get(event.object_name)).data == b"# Notes\n\nSome text."
    await nc.close()
    view = (await client.get(f"/v1/documents/{body['id']}")).json()
    assert view["status"] == "received" and view["filename"] == "notes.md"


@pytest.mark.parametrize(
    ("request_kwargs", "status", "slug"),
    [
        ({"files": {"other": ("a.txt", b"x", "text/plain")}}, 400, "missing-file"),
        ({"files": {"file": ("a.txt", b"", "text/plain")}}, 400, "empty-file"),
        (
            {"files": {"file": ("a.exe", b"MZ", "application/octet-stream")}},
            415,
            "unsupported-type",
        ),
        (
            {"content": b"not multipart", "headers": {"content-type": "text/plain"}},
            400,
            "missing-file",
        ),
    ],
)
async def test_client_mistakes_get_problem_details(client, request_kwargs, status, slug) -> None:
    answer = await client.post("/v1/documents", **request_kwargs)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert (
        problem["type"].endswith("/" + slug) and problem["status"] == status and problem["detail"]
    )


async def test_unknown_and_malformed_ids_are_404_problems(client) -> None:
    for document_id in ("00000000-0000-0000-0000-000000000000", "not-an-id"):
        answer = await client.get(f"/v1/documents/{document_id}")
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_health_metrics_and_schema(client) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {
        "nats": "ok",
        "postgres": "ok",
        "redis": "ok",
    }
    metrics = (await client.get("/metrics")).text
    assert "sum_http_requests_total" in metrics
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/v1/documents" in schema["paths"] and "/v1/documents/{document_id}" in schema["paths"]


async def test_readiness_names_the_failing_dependency(service_env: dict[str, str]) -> None:
    settings = load_settings(
        GatewaySettings, {**service_env, "SUM_REDIS_URL": "redis://127.0.0.1:1/0"}
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["redis"]
