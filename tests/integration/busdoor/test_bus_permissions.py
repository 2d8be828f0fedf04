"""The shipped NATS accounts and permissions on a real server: the platform works with its
restricted users, and a tenant's producer is confined to its own subjects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import nats
import pytest
from nats.aio.client import Client

from shared.events import DocumentProcessedV1, InlineText, SubmitDocumentV1, SubmitReplyV1
from shared.events.submission import REPLY_TO_HEADER, durable_submit_subject
from tests.conftest import wait_for
from tests.integration.busdoor.secured_bus import DEPLOY, SecuredBus, secured_bus, tenant_users
from tests.integration.busdoor.submitting import request, unique_text
from tests.platform import Platform

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
TENANTS = ["acme", "globex"]


class RestrictedPlatform(Platform):
    """Each service connects as its own user."""

    bus: SecuredBus

    def start(self, service: str) -> None:
        shared_env = self.env
        self.env = {**shared_env, "SUM_NATS_URL": self.bus.url(service)}
        try:
            super().start(service)
        finally:
            self.env = shared_env


@pytest.fixture
async def bus(tmp_path: Path) -> AsyncIterator[SecuredBus]:
    with secured_bus(tmp_path, TENANTS) as running:
        yield running


@pytest.fixture
async def platform(bus: SecuredBus, service_env: dict[str, str], tmp_path: Path):
    # A private server: the default namespace "sum" of the shipped configuration is ours alone.
    running = RestrictedPlatform(env={**service_env, "SUM_NAMESPACE": "sum"}, log_dir=tmp_path)
    running.bus = bus
    try:
        await running.start_all()
        yield running
    finally:
        running.stop_all()


async def producer(bus: SecuredBus, tenant: str, errors: list[str]) -> Client:
    async def on_error(exc: Exception) -> None:
        errors.append(str(exc))

    return await nats.connect(
        bus.url(tenant), inbox_prefix=f"_INBOX.{tenant}", error_cb=on_error, allow_reconnect=False
    )


async def test_the_gateway_user_reads_the_stages_consumers(platform, bus: SecuredBus) -> None:
    """Backlog shedding and the reconciler read the ingest and processor consumers."""
    nc = await nats.connect(bus.url("gateway"), allow_reconnect=False)
    try:
        js = nc.jetstream()
        names = {c.name for c in await js.consumers_info("SUM_DOCUMENTS")}
        assert {"ingest-normal", "processor-normal"} <= names
        info = await js.consumer_info("SUM_DOCUMENTS", "ingest-high")
        assert info.name == "ingest-high"
    finally:
        await nc.close()


def test_shipped_tenant_template_matches_the_rendered_one() -> None:
    shipped = (DEPLOY / "auth-tenants.conf").read_text()
    assert shipped.split("SUM_TENANT_USERS:", 1)[1] == tenant_users(["example"]).split(":", 1)[1]


async def test_services_work_and_tenants_are_confined(platform, bus: SecuredBus, pool) -> None:
    acme_errors: list[str] = []
    globex_errors: list[str] = []
    acme = await producer(bus, "acme", acme_errors)
    globex = await producer(bus, "globex", globex_errors)
    try:
        acme_results = await acme.subscribe("sum.tenants.acme.documents.>")
        globex_results = await globex.subscribe("sum.tenants.globex.documents.>")
        await globex.subscribe("sum.tenants.acme.documents.>")  # refused by the server
        await globex.subscribe("_INBOX.>")  # refused: would expose every tenant's replies
        await acme.flush()
        await globex.flush()

        submission = SubmitDocumentV1(
            filename="canyon.txt", content=InlineText(unique_text("canyon"))
        )
        reply = await request(acme, "sum", "acme", submission)
        assert reply.status == "accepted", (reply, platform.tail("gateway"))

        async def processed() -> DocumentProcessedV1 | None:
            msg = await acme_results.next_msg(timeout=30)
            if msg.subject.endswith(".processed.v1"):
                return msgspec.json.decode(msg.data, type=DocumentProcessedV1)
            return None

        event = await wait_for(processed, timeout=60)
        assert event.document_id == reply.document_id and "canyon" in event.summary

        # A durable submit crosses from the tenants' account into the stream and is answered.
        replies = await acme.subscribe("sum.tenants.acme.replies.>")
        ack = await acme.jetstream().publish(
            durable_submit_subject("sum", "acme"),
            msgspec.json.encode(
                SubmitDocumentV1(filename="a.txt", content=InlineText(unique_text("a")))
            ),
            headers={REPLY_TO_HEADER: "sum.tenants.acme.replies.1"},
        )
        assert ack.stream == "SUM_SUBMISSIONS"
        durable = msgspec.json.decode((await replies.next_msg(timeout=15)).data, type=SubmitReplyV1)
        assert durable.status == "accepted"

        # globex can neither submit as acme nor follow acme's documents.
        await globex.publish("sum.tenants.acme.submit.v1", msgspec.json.encode(submission))
        await globex.publish(durable_submit_subject("sum", "acme"), b"{}")
        await globex.publish("sum.documents.received.v1.normal", b"{}")
        await globex.flush()

        def violations() -> list[str]:
            return [e for e in globex_errors if "permissions violation" in e.lower()]

        async def all_refused() -> bool:
            return len(violations()) >= 5

        await wait_for(all_refused, timeout=5)
        refused = " ".join(violations()).lower()
        assert 'subscription to "sum.tenants.acme.documents.>"' in refused
        assert 'subscription to "_inbox.>"' in refused
        assert 'publish to "sum.tenants.acme.submit.v1"' in refused
        assert 'publish to "sum.tenants.acme.submit.v1.durable"' in refused
        assert 'publish to "sum.documents.received.v1.normal"' in refused
        assert not acme_errors
        with pytest.raises(TimeoutError):
            await globex_results.next_msg(timeout=0.2)
        count = await pool.fetchval("SELECT count(*) FROM documents WHERE tenant = 'acme'")
        assert count == 2  # canyon and the durable one; nothing from globex
    finally:
        await acme.close()
        await globex.close()
