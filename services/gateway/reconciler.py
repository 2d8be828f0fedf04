"""Re-publishes the event of a document whose event was lost, so no accepted upload is stranded.

The gateway writes the row, then publishes ``DocumentReceivedV1``; ingest commits, then publishes
``DocumentIngestedV1``. A crash between the two leaves a document in ``received``/``ingested``
with no message to move it on. Every ``interval`` one gateway replica (a PostgreSQL advisory
lock decides which) looks for such documents and publishes their event again, with the same
message id as the original.

"Stuck for a while" alone is not proof of loss: a long backlog looks the same. So a document is
re-published only when it was stuck in the previous round too *and* the stage's consumer has
settled (acked or terminated) every message the stream held at that previous round. Then the
document's event, had it been published, would have moved it on: it was never published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import msgspec
from nats.js import JetStreamContext

from shared.events import DocumentIngestedV1, DocumentReceivedV1, Names
from shared.messaging.publisher import EventPublisher
from shared.telemetry import metrics

log = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: "sum-reconciler" folded into a bigint.
LOCK_KEY = 0x73756D5F72656331
# Which stage consumes the event of a document stuck in each status.
CONSUMING_STAGE = {"received": "ingest", "ingested": "processor"}
EVERYTHING = 2**63


class ReconcilerSettings(msgspec.Struct, kw_only=True):
    # Only documents unchanged for this long are candidates; must exceed the publish timeout.
    reconcile_after: float = 60.0
    reconcile_interval: float = 15.0


@dataclass
class Snapshot:
    taken: bool = False
    stream_seq: int = 0
    stuck: dict[str, str] = field(default_factory=dict)  # document id -> status


class Reconciler:
    def __init__(
        self,
        pool: asyncpg.Pool,
        js: JetStreamContext,
        publisher: EventPublisher,
        names: Names,
        settings: ReconcilerSettings,
    ) -> None:
        self.pool = pool
        self.js = js
        self.publisher = publisher
        self.names = names
        self.settings = settings
        self.previous = Snapshot()

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                await self.reconcile_once()
            except Exception as exc:  # a dependency is down: try again next round
                log.warning("reconciliation round failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), self.settings.reconcile_interval)

    async def reconcile_once(self) -> int:
        """One round; returns how many events were re-published."""
        async with self.pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", LOCK_KEY):
                self.previous = Snapshot()  # another replica is reconciling
                return 0
            rows = await conn.fetch(
                """SELECT d.*, t.char_count, t.word_count, t.language
                   FROM documents d LEFT JOIN document_texts t ON t.document_id = d.id
                   WHERE d.status IN ('received', 'ingested')
                     AND d.updated_at < now() - make_interval(secs => $1)
                   ORDER BY d.updated_at LIMIT 1000""",
                self.settings.reconcile_after,
            )
            settled = await self._settled_upto()
            republished = 0
            for row in rows:
                if self._lost(row, settled):
                    await self._republish(row)
                    republished += 1
            # Taken after this round's own publishes, so that the next round waits for them.
            stream_seq = (await self.js.stream_info(self.names.documents_stream)).state.last_seq
            self.previous = Snapshot(True, stream_seq, {str(r["id"]): r["status"] for r in rows})
        if republished:
            log.warning("re-published the events of %d stranded documents", republished)
        return republished

    def _lost(self, row: Any, settled: dict[str, int]) -> bool:
        status = row["status"]
        if not self.previous.taken or self.previous.stuck.get(str(row["id"])) != status:
            return False
        durable = f"{CONSUMING_STAGE[status]}-{row['priority']}"
        return settled.get(durable, -1) >= self.previous.stream_seq

    async def _settled_upto(self) -> dict[str, int]:
        """Per consumer: the stream sequence up to which every message has been settled.

        One request lists every consumer of the stream; a stage that never ran has no entry,
        so nothing can be judged lost for it yet.
        """
        upto: dict[str, int] = {}
        for info in await self.js.consumers_info(self.names.documents_stream):
            if not info.num_pending and not info.num_ack_pending:
                upto[info.name or ""] = EVERYTHING
            elif info.ack_floor is not None:
                upto[info.name or ""] = info.ack_floor.stream_seq or 0
        return upto

    async def _republish(self, row: Any) -> None:
        document_id = str(row["id"])
        event: msgspec.Struct
        if row["status"] == "received":
            event = DocumentReceivedV1(
                document_id=document_id,
                tenant=row["tenant"],
                filename=row["filename"],
                content_type=row["content_type"],
                kind=row["kind"],
                size=row["size_bytes"],
                sha256=row["sha256"],
                object_name=row["object_name"],
                received_at=row["created_at"],
                priority=row["priority"],
            )
        else:
            event = DocumentIngestedV1(
                document_id=document_id,
                tenant=row["tenant"],
                char_count=row["char_count"] or 0,
                word_count=row["word_count"] or 0,
                language=row["language"],
                priority=row["priority"],
            )
        subject = self.names.subject(type(event), row["priority"])
        await self.publisher.publish(subject, event, msg_id=f"{row['status']}:{document_id}")
        metrics.reconciler_republished.labels(row["status"]).inc()
        log.info("re-published %s event of document %s", row["status"], document_id)
