"""Abstractive summaries against a local OpenAI-compatible endpoint over real HTTP."""

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar, Request, post
from litestar.response import Response

from services.processor.abstractive import AbstractiveSummarizer
from services.processor.distil import make_distiller
from services.processor.ports import SourceText
from shared.web.serve import make_server, wait_started
from tests.platform import free_port

TEXT = (
    "Rivers carry water from mountains to the sea. Large rivers shape valleys over millions "
    "of years. Fish live in rivers. People build cities beside rivers."
)
SECRET = "sk-test-secret-value"


class Endpoint:
    def __init__(self) -> None:
        self.mode = "ok"
        self.calls = 0
        self.auth: list[str] = []


@pytest.fixture
async def endpoint() -> AsyncIterator[tuple[Endpoint, str]]:
    state = Endpoint()

    @post("/v1/chat/completions")
    async def complete(request: Request) -> Response:
        state.calls += 1
        state.auth.append(request.headers.get("authorization", ""))
        body = await request.json()
        if state.mode == "fail":
            return Response({"error": f"echo {SECRET}"}, status_code=500)
        if state.mode == "slow":
            await asyncio.sleep(2)
        assert body["messages"][0]["content"].endswith(body["messages"][0]["content"][-20:])
        return Response({"choices": [{"message": {"content": "Rivers shape land and life."}}]})

    port = free_port()
    server = make_server(Litestar([complete]), "127.0.0.1", port)
    task = asyncio.create_task(server.serve())
    await wait_started(server)
    yield state, f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    await task


async def test_abstractive_summary_is_added_and_labelled(endpoint) -> None:
    state, url = endpoint
    llm = AbstractiveSummarizer(url, "tiny-model", SECRET, timeout=1)
    memories = await make_distiller(llm)(SourceText(TEXT, "en"))
    assert memories.summaries["abstractive"] == "Rivers shape land and life."
    assert memories.summaries["short"]  # the extractive ones stay
    assert memories.method.endswith("+abstractive:tiny-model")
    assert state.auth == [f"Bearer {SECRET}"]
    await llm.close()


async def test_failures_leave_the_extractive_summary_and_open_the_breaker(endpoint, caplog) -> None:
    state, url = endpoint
    llm = AbstractiveSummarizer(url, "tiny-model", SECRET, timeout=0.3)
    distil = make_distiller(llm)
    caplog.set_level(logging.DEBUG)
    for mode in ("fail", "slow", "fail"):
        state.mode = mode
        memories = await distil(SourceText(TEXT, "en"))
        assert "abstractive" not in memories.summaries
        assert "+abstractive" not in memories.method and memories.summaries["short"]
    calls = state.calls
    state.mode = "ok"
    memories = await distil(SourceText(TEXT, "en"))  # breaker open: not even tried
    assert state.calls == calls and "abstractive" not in memories.summaries
    assert SECRET not in caplog.text
    await llm.close()
