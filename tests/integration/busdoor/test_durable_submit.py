"""Submits published with JetStream: answered on the tenant's replies subject, refusals
dead-lettered to ``<ns>.dlq.submit``, nothing left behind in the submissions stream."""

import msgspec
import pytest

from shared.events import InlineText, Names, SubmitDocumentV1, SubmitReplyV1
from shared.events.deadletter import DeadLetterV1
from shared.events.submission import REPLY_TO_HEADER, durable_submit_subject, submissions_stream
from tests.conftest import wait_for
from tests.integration.busdoor.submitting import unique_text

pytestmark = pytest.mark.integration


async def test_durable_submits_are_answered_and_refusals_dead_lettered(
    gateway, nc, namespace: str
) -> None:
    js = nc.jetstream()
    replies = await nc.subscribe(f"{namespace}.tenants.acme.replies.>")
    dead = await nc.subscribe(f"{namespace}.dlq.submit")
    await nc.flush()
    subject = durable_submit_subject(namespace, "acme")
    reply_to = {REPLY_TO_HEADER: f"{namespace}.tenants.acme.replies.batch-7"}

    good = SubmitDocumentV1(filename="reef.txt", content=InlineText(unique_text("reef")))
    ack = await js.publish(subject, msgspec.json.encode(good), headers=reply_to)
    assert ack.stream == submissions_stream(namespace)
    answer = msgspec.json.decode((await replies.next_msg(timeout=10)).data, type=SubmitReplyV1)
    assert answer.status == "accepted" and answer.document_id

    await js.publish(subject, b'{"filename": "bad.txt"}', headers=reply_to)
    refusal = msgspec.json.decode((await replies.next_msg(timeout=10)).data, type=SubmitReplyV1)
    assert refusal.status == "rejected" and refusal.problem_type == "malformed-message"
    letter = msgspec.json.decode((await dead.next_msg(timeout=10)).data, type=DeadLetterV1)
    assert letter.stage == "submit" and letter.original_subject == subject
    assert (
        letter.payload == b'{"filename": "bad.txt"}' and "malformed-message" in letter.error_message
    )

    # No reply header: still dead-lettered, never dropped silently.
    await js.publish(durable_submit_subject(namespace, "acme", "v9"), msgspec.json.encode(good))
    letter = msgspec.json.decode((await dead.next_msg(timeout=10)).data, type=DeadLetterV1)
    assert "unknown-version" in letter.error_message

    async def submissions_drained() -> bool:
        info = await js.stream_info(submissions_stream(namespace))
        return info.state.messages == 0

    await wait_for(submissions_drained, timeout=10)
    dlq = await js.stream_info(Names(namespace).dlq_stream)
    assert dlq.state.messages == 2


async def test_a_reply_subject_outside_the_tenant_is_not_used(gateway, nc, namespace) -> None:
    stolen = await nc.subscribe(f"{namespace}.tenants.globex.replies.>")
    dead = await nc.subscribe(f"{namespace}.dlq.submit")
    await nc.flush()
    headers = {REPLY_TO_HEADER: f"{namespace}.tenants.globex.replies.x"}
    await nc.jetstream().publish(durable_submit_subject(namespace, "acme"), b"[]", headers=headers)
    await dead.next_msg(timeout=10)  # handled (and refused) by now
    with pytest.raises(TimeoutError):
        await stolen.next_msg(timeout=0.3)
