"""Optional abstractive summaries from an OpenAI-compatible chat-completions endpoint.

Called with a timeout behind a circuit breaker; any failure leaves the extractive summary as
the document's summary. The key comes from ``SUM_LLM_API_KEY`` (or ``_FILE``) and never
appears in logs or errors.
"""

from __future__ import annotations

import logging

import httpx

from shared.resilience import CircuitBreaker, CircuitOpenError
from shared.resilience.metrics import export_breaker_state

log = logging.getLogger(__name__)

PROMPT = (
    "Summarize the following document in at most five sentences. Use only facts stated in it; "
    "answer with the summary only.\n\n"
)
MAX_INPUT_CHARS = 12_000


class AbstractiveSummarizer:
    def __init__(
        self,
        url: str,
        model: str,
        api_key: str | None,
        *,
        timeout: float = 20.0,
        breaker: CircuitBreaker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(
            base_url=url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self.breaker = breaker or CircuitBreaker(
            "llm", failure_threshold=3, reset_timeout=60, on_state_change=export_breaker_state
        )

    @property
    def method(self) -> str:
        return f"abstractive:{self.model}"

    async def summarize(self, text: str) -> str | None:
        """The model's summary of ``text``, or None when the endpoint cannot give one now."""
        try:
            return await self.breaker.call(self._ask, text[:MAX_INPUT_CHARS])
        except CircuitOpenError:
            return None
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            # Only the error's type: the body may echo the request, and the request holds the key.
            log.warning("abstractive summary unavailable: %s", type(exc).__name__)
            return None

    async def _ask(self, text: str) -> str:
        answer = await self._client.post(
            "/chat/completions",
            json={
                "model": self.model,
                "messages": [{"role": "user", "content": PROMPT + text}],
                "temperature": 0,
            },
        )
        answer.raise_for_status()
        content = answer.json()["choices"][0]["message"]["content"]
        if not isinstance(content, str) or not content.strip():
            raise ValueError("empty completion")
        return content.strip()

    async def close(self) -> None:
        await self._client.aclose()
