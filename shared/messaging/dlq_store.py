"""Reading, replaying and purging the dead-letter stream: what ``sumctl dlq`` and ``sumctl errors``
are built on.

A replay puts the original payload back on its original subject with a *fresh* message id (the
old one would be dropped by the stream's duplicate window), sets the document back to the status
the stage expects, and appends a ``ReplayRecordV1`` to ``<ns>.dlq.replays`` so that the dead-letter
listing shows what was replayed, when, and as which message.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from shared.db.documents import document_status
from shared.events.catalog import Names
from shared.events.deadletter import DeadLetterV1
from shared.messaging.publisher import MSG_ID, EventPublisher

REPLAYS = "replays"
# The status a document must have for a stage to pick its event up again.
STAGE_INPUT_STATUS = {"ingest": "received", "processor": "ingested"}


class ReplayRecordV1(msgspec.Struct, kw_only=True, frozen=True):
    dlq_sequence: int
    stage: str
    original_subject: str
    new_msg_id: str
    document_id: str | None
    document_reset: bool
    replayed_at: datetime


class ReplayRefused(Exception):
    """Replaying would redo work on a document that has moved on since it was dead-lettered."""


@dataclass(frozen=True)
class StoredLetter:
    sequence: int  # in the dead-letter stream: the id operators use
    letter: DeadLetterV1
    replayed_as: str | None = None


async def _read(
    js: JetStreamContext, stream: str, subject: str, since: datetime | None = None
) -> list[tuple[int, bytes]]:
    config = ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL)
    if since is not None:
        config.deliver_policy = DeliverPolicy.BY_START_TIME
        config.opt_start_time = since.astimezone(UTC)
    try:
        sub = await js.pull_subscribe(subject, durable=None, stream=stream, config=config)
    except NotFoundError:
        return []  # no stream yet: the platform never dead-lettered anything here
    found: list[tuple[int, bytes]] = []
    try:
        expected = (await sub.consumer_info()).num_pending or 0
        while len(found) < expected:
            for msg in await sub.fetch(min(256, expected - len(found)), timeout=5.0):
                found.append((msg.metadata.sequence.stream, msg.data))
    finally:
        await sub.unsubscribe()
    return found


async def list_letters(
    js: JetStreamContext, names: Names, stage: str | None = None, since: datetime | None = None
) -> list[StoredLetter]:
    replays = {
        record.dlq_sequence: record.new_msg_id
        for _, data in await _read(js, names.dlq_stream, names.dlq_subject(REPLAYS))
        for record in [msgspec.json.decode(data, type=ReplayRecordV1)]
    }
    subject = names.dlq_subject(stage or "*")
    letters = []
    for seq, data in await _read(js, names.dlq_stream, subject, since):
        try:
            letter = msgspec.json.decode(data, type=DeadLetterV1)
        except (msgspec.DecodeError, msgspec.ValidationError):
            continue  # a replay record (or something else that is not a dead letter)
        letters.append(StoredLetter(seq, letter, replays.get(seq)))
    return letters


async def get_letter(js: JetStreamContext, names: Names, sequence: int) -> StoredLetter:
    """Raises ``LookupError`` when no dead letter has this id."""
    try:
        raw = await js.get_msg(names.dlq_stream, sequence)
    except Exception as exc:  # nats answers NotFoundError, or a bad request for a bad sequence
        raise LookupError(f"no dead letter with id {sequence}") from exc
    if raw.subject == names.dlq_subject(REPLAYS) or raw.data is None:
        raise LookupError(f"{sequence} is a replay record, not a dead letter")
    return StoredLetter(sequence, msgspec.json.decode(raw.data, type=DeadLetterV1))


async def replay(
    js: JetStreamContext, pool: asyncpg.Pool | None, names: Names, stored: StoredLetter
) -> ReplayRecordV1:
    letter = stored.letter
    reset = False
    input_status = STAGE_INPUT_STATUS.get(letter.stage)
    if pool is not None and letter.document_id and input_status:
        # Only a document this stage failed goes back: never one that moved on meanwhile.
        reset = (
            await pool.fetchval(
                """UPDATE documents SET status = $3, failure_reason = NULL, failed_stage = NULL,
                       updated_at = now()
                   WHERE id = $1::text::uuid AND status = 'failed' AND failed_stage = $2
                   RETURNING true""",
                letter.document_id,
                letter.stage,
                input_status,
            )
            is not None
        )
        if not reset:
            status = await document_status(pool, letter.document_id)
            if status is not None and status != input_status:
                raise ReplayRefused(
                    f"document {letter.document_id} is {status} now; replaying could only "
                    "duplicate its results"
                )
    new_id = f"replay:{stored.sequence}:{uuid.uuid4().hex[:12]}"
    headers = {k: v for k, v in letter.headers.items() if k != MSG_ID}
    publisher = EventPublisher(js)
    await publisher.publish_raw(letter.original_subject, letter.payload, new_id, headers)
    record = ReplayRecordV1(
        dlq_sequence=stored.sequence,
        stage=letter.stage,
        original_subject=letter.original_subject,
        new_msg_id=new_id,
        document_id=letter.document_id,
        document_reset=reset,
        replayed_at=datetime.now(UTC),
    )
    await publisher.publish(names.dlq_subject(REPLAYS), record, msg_id=f"replayed:{new_id}")
    return record


async def purge(js: JetStreamContext, names: Names, stage: str | None = None) -> None:
    with contextlib.suppress(NotFoundError):  # no stream: nothing to purge
        await js.purge_stream(names.dlq_stream, subject=names.dlq_subject(stage) if stage else None)
