"""Load and verdicts for fault scenarios: upload documents, then prove nothing was lost or doubled.

The verdict reads the truth from the stores themselves: every document row in exactly one
terminal state, exactly one ``processed`` event per processed document in the stream, and the
dead-letter stream holding exactly the messages a scenario broke on purpose.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import asyncpg
import httpx
import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.events import (
    EVENT_SUBJECTS,
    DocumentIngestedV1,
    DocumentProcessedV1,
    DocumentReceivedV1,
    Names,
)
from shared.events.deadletter import DeadLetterV1
from tests.conftest import wait_for

WORDS = "river stone cedar falcon copper meadow harbor lantern quartz willow ember tundra".split()


def document_text(n: int) -> bytes:
    topic = f"{WORDS[n % len(WORDS)]}{n}"
    return (
        f"Report {n} on {topic}.\n\nThis document describes {topic} in some detail. "
        f"People who visit {topic} remember it. The history of {topic} is long and varied."
    ).encode()


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self) -> float:
        return round(time.monotonic() - self.started, 2)


@dataclass
class Figures:
    """What docs/RELIABILITY.md records for each scenario."""

    scenario: str
    sent: int = 0
    accepted: int = 0
    processed: int = 0
    failed: int = 0
    dead_lettered: int = 0
    duplicates: int = 0
    recovery_seconds: float = 0.0
    total_seconds: float = 0.0
    notes: dict[str, object] = field(default_factory=dict)

    def publish(self) -> None:
        line = json.dumps(asdict(self))
        print(f"\nFAULT FIGURES {line}")
        target = os.environ.get("SUM_FAULT_FIGURES")
        if target:
            with Path(target).open("a") as out:
                out.write(line + "\n")


async def upload_many(
    gateway_url: str, numbers: Iterable[int], *, api_key: str, concurrency: int = 16
) -> tuple[list[str], int]:
    """Upload documents; returns the ids the gateway accepted (202) and how many were sent.

    Failures (a gateway that is down or answers 5xx) are not retried: they are the client's to
    retry, and the verdict checks that nothing *accepted* is lost."""
    accepted: list[str] = []
    numbers = list(numbers)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in numbers:
        queue.put_nowait(n)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            files = {"file": (f"doc{n}.txt", document_text(n), "text/plain")}
            try:
                answer = await client.post("/v1/documents", files=files)
            except httpx.HTTPError:
                continue
            if answer.status_code == 202:
                accepted.append(answer.json()["id"])

    headers = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10, headers=headers) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return accepted, len(numbers)


async def statuses(pool: asyncpg.Pool) -> dict[str, str]:
    rows = await pool.fetch("SELECT id::text AS id, status FROM documents")
    return {r["id"]: r["status"] for r in rows}


async def wait_all_terminal(pool: asyncpg.Pool, timeout: float) -> dict[str, str]:
    """Poll until every document row is processed or failed; returns the final statuses."""

    async def settled() -> dict[str, str] | None:
        try:
            now = await statuses(pool)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return None  # the database of the scenario may be down right now
        pending = [i for i, s in now.items() if s not in ("processed", "failed")]
        return None if pending or not now else now

    result: dict[str, str] = await wait_for(settled, timeout=timeout, interval=0.25)
    return result


async def stream_messages(js: JetStreamContext, stream: str, subject: str) -> list[bytes]:
    """Every message on ``subject`` in ``stream``, read by a throwaway consumer."""
    sub = await js.pull_subscribe(
        subject,
        durable=None,
        stream=stream,
        config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
    )
    payloads: list[bytes] = []
    try:
        # The consumer's pending count at creation is exactly what the stream holds for us.
        expected = (await sub.consumer_info()).num_pending or 0
        while len(payloads) < expected:
            msgs = await sub.fetch(min(256, expected - len(payloads)), timeout=5.0)
            payloads += [m.data for m in msgs]
    finally:
        await sub.unsubscribe()
    return payloads


class _Ref(msgspec.Struct):
    document_id: str


async def events_per_document(js: JetStreamContext, names: Names, event: type) -> Counter[str]:
    payloads = await stream_messages(
        js, names.documents_stream, f"{names.namespace}.{EVENT_SUBJECTS[event]}.*"
    )
    counts: Counter[str] = Counter()
    for payload in payloads:
        try:
            counts[msgspec.json.decode(payload, type=_Ref).document_id] += 1
        except (msgspec.DecodeError, msgspec.ValidationError):
            continue  # poison a scenario published on purpose; it names no document
    return counts


async def dead_letters(js: JetStreamContext, names: Names) -> list[DeadLetterV1]:
    payloads = await stream_messages(js, names.dlq_stream, f"{names.namespace}.dlq.>")
    return [msgspec.json.decode(p, type=DeadLetterV1) for p in payloads]


async def verdict(
    figures: Figures,
    pool: asyncpg.Pool,
    js: JetStreamContext,
    names: Names,
    accepted: list[str],
    *,
    timeout: float = 120.0,
    expected_failed: set[str] | None = None,
    expected_dead_letters: int = 0,
    since: Stopwatch | None = None,
) -> dict[str, str]:
    """Wait for every document to settle, then assert the promise of the issue and record it.

    ``since`` (started when the fault ended) gives the recovery time: until every document is
    in a terminal state."""
    final = await wait_all_terminal(pool, timeout)
    if since is not None:
        figures.recovery_seconds = since()
    expected_failed = expected_failed or set()
    missing = [i for i in accepted if i not in final]
    assert not missing, f"accepted but unknown to the database: {missing[:5]}"
    failed = {i for i, s in final.items() if s == "failed"}
    assert failed == expected_failed, f"unexpected failures: {sorted(failed - expected_failed)}"
    processed = {i for i, s in final.items() if s == "processed"}

    texts = await pool.fetchval("SELECT count(*) FROM document_texts")
    memories = await pool.fetchval("SELECT count(*) FROM memories")
    assert memories == len(processed), (memories, len(processed))
    assert texts >= len(processed)

    duplicates = 0
    for event in (DocumentReceivedV1, DocumentIngestedV1, DocumentProcessedV1):
        counts = await events_per_document(js, names, event)
        doubled = {i: n for i, n in counts.items() if n > 1}
        duplicates += sum(n - 1 for n in doubled.values())
        assert not doubled, f"{event.__name__} published more than once: {doubled}"
    processed_events = await events_per_document(js, names, DocumentProcessedV1)
    assert set(processed_events) == processed, (
        "processed events and rows disagree",
        sorted(set(processed_events) - processed)[:5],
        sorted(processed - set(processed_events))[:5],
    )

    letters = await dead_letters(js, names)
    assert len(letters) == expected_dead_letters, [
        (letter.stage, letter.error_type, letter.error_message) for letter in letters
    ]
    figures.accepted = len(accepted)
    figures.processed = len(processed)
    figures.failed = len(failed)
    figures.dead_lettered = len(letters)
    figures.duplicates = duplicates
    return final


async def in_flight(js: JetStreamContext, names: Names, stage: str) -> int:
    """Messages a stage holds unacknowledged right now: what a crash at this moment strands."""
    total = 0
    for priority in ("high", "normal", "low"):
        info = await js.consumer_info(names.documents_stream, f"{stage}-{priority}")
        total += info.num_ack_pending or 0
    return total
