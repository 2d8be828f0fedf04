"""The gateway's HTTP API as ``sumctl`` uses it: errors become exit codes, busy answers are retried.

Every request carries ``Authorization: Bearer <key>`` when an API key is configured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from sumctl.config_file import ClientConfig
from sumctl.exit_codes import (
    AUTH,
    FAILURES,
    NOT_FOUND,
    SERVER_ERROR,
    UNREACHABLE,
    CliError,
)
from sumctl.multipart_body import FileChanged, MultipartFile
from sumctl.running import sum_version

RETRY_STATUSES = (429, 503)
MAX_ATTEMPTS = 5
MAX_RETRY_WAIT = 30.0


class Rejected(CliError):
    """The gateway refused this one request (4xx other than auth): a per-item failure."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(FAILURES, message)
        self.status = status


def problem_text(answer: httpx.Response) -> str:
    """``status title: detail`` from an RFC 9457 problem answer, or the start of the body."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("title" in body or "detail" in body):
        title = str(body.get("title") or "")
        detail = str(body.get("detail") or "")
        text = f"{title}: {detail}" if detail and detail != title else title or detail
    else:
        text = answer.text.strip()[:200] or answer.reason_phrase
    return f"{answer.status_code} {text}"


def _retry_after(answer: httpx.Response, attempt: int) -> float:
    try:
        wait = float(answer.headers.get("retry-after", ""))
    except ValueError:
        wait = 2.0**attempt
    return min(max(wait, 0.1), MAX_RETRY_WAIT)


class GatewayClient:
    def __init__(self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None = None):
        headers = {"User-Agent": f"sumctl/{sum_version()}", "Accept": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self.url = config.gateway_url
        self.http = httpx.AsyncClient(
            base_url=config.gateway_url,
            headers=headers,
            timeout=httpx.Timeout(config.timeout, connect=min(config.timeout, 10.0)),
            transport=transport,
        )

    async def __aenter__(self) -> GatewayClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def _send(self, build: Callable[[], httpx.Request], *, idempotent: bool) -> Any:
        for attempt in range(MAX_ATTEMPTS):
            try:
                answer = await self.http.send(build())
            except httpx.ConnectError as exc:
                raise CliError(
                    UNREACHABLE, f"cannot reach the gateway at {self.url}: {exc}"
                ) from None
            except httpx.TimeoutException:
                raise CliError(
                    UNREACHABLE, f"the gateway at {self.url} did not answer in time"
                ) from None
            except httpx.TransportError as exc:
                if idempotent and attempt < 2:
                    continue
                raise CliError(UNREACHABLE, f"connection to {self.url} failed: {exc}") from None
            if answer.status_code in RETRY_STATUSES and attempt < MAX_ATTEMPTS - 1:
                await asyncio.sleep(_retry_after(answer, attempt))
                continue
            return self._decode(answer)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _decode(self, answer: httpx.Response) -> Any:
        status = answer.status_code
        if status in (401, 403):
            raise CliError(AUTH, f"the gateway refused the API key: {problem_text(answer)}")
        if status == 404:
            raise CliError(NOT_FOUND, problem_text(answer))
        if 400 <= status < 500:
            raise Rejected(status, problem_text(answer))
        if status >= 300:
            raise CliError(SERVER_ERROR, f"the gateway failed: {problem_text(answer)}")
        try:
            return answer.json()
        except ValueError:
            raise CliError(SERVER_ERROR, f"the gateway answered {status} without JSON") from None

    async def upload(self, path: Path, size: int, on_bytes: Callable[[int], None]) -> dict:
        """POST one file; returns the gateway's answer with the client-side ``sha256`` checked."""
        body = MultipartFile(path, size, on_bytes)
        sent = 0

        def build() -> httpx.Request:
            nonlocal sent
            on_bytes(-sent)  # a retried attempt starts the file's bytes again
            sent = 0

            def count(n: int) -> None:
                nonlocal sent
                sent += n
                on_bytes(n)

            body.on_bytes = count
            return self.http.build_request(
                "POST", "/v1/documents", content=body.chunks(), headers=body.headers()
            )

        try:
            answer = await self._send(build, idempotent=False)
        except FileChanged as exc:
            raise Rejected(0, str(exc)) from None
        if not isinstance(answer, dict) or "id" not in answer:
            raise CliError(SERVER_ERROR, "the gateway's upload answer has no document id")
        if answer.get("sha256") and answer["sha256"] != body.sha256:
            raise Rejected(0, "the gateway stored different bytes (SHA-256 mismatch)")
        return answer

    async def document(self, document_id: str) -> dict:
        def build() -> httpx.Request:
            return self.http.build_request("GET", f"/v1/documents/{quote(document_id, safe='')}")

        return dict(await self._send(build, idempotent=True))

    async def search(self, query: str, limit: int | None, cursor: str | None) -> dict:
        params: dict[str, str | int] = {"q": query}
        if limit:
            params["limit"] = limit
        if cursor:
            params["cursor"] = cursor

        def build() -> httpx.Request:
            return self.http.build_request("GET", "/v1/search", params=params)

        answer = await self._send(build, idempotent=True)
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            raise CliError(SERVER_ERROR, "the search answer has no 'results' list")
        return answer
