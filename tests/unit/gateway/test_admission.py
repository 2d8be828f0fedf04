"""The transport-neutral admission: inspect while spooling, store, record, announce."""

import asyncio
import hashlib
import logging

import pytest

from services.gateway.admission import Admission, AdmissionDeps, admit
from services.gateway.intake import IntakePolicy, UploadRejected
from services.gateway.intake.scanning import EICAR_SIGNATURE, EicarScanner
from shared.events import DocumentReceivedV1, Names
from tests.unit.fakes import FakePublisher
from tests.unit.gateway.fakes import FakeDocuments, FakeIdempotency, FakeObjectWriter


async def chunks(*parts: bytes):
    for part in parts:
        yield part


@pytest.fixture
def deps() -> AdmissionDeps:
    return AdmissionDeps(
        documents=FakeDocuments(),
        objects=FakeObjectWriter(),
        publisher=FakePublisher(),
        names=Names("sum"),
        policy=IntakePolicy(limits={"txt": 4096}),
        scanner=EicarScanner(),
        idempotency=FakeIdempotency(),
    )


async def upload(deps: AdmissionDeps, *parts: bytes, **kwargs) -> Admission:
    arguments = {
        "filename": "notes.txt",
        "declared_type": "text/plain",
        "tenant": "acme",
        "priority": "normal",
        "idempotency_key": None,
        **kwargs,
    }
    return await admit(chunks(*parts), deps=deps, **arguments)


async def test_an_upload_is_stored_recorded_and_announced_on_its_priority(deps) -> None:
    admission = await upload(deps, b"hello ", b"world", priority="high")
    assert admission.sha256 == hashlib.sha256(b"hello world").hexdigest()
    assert not admission.duplicate and admission.status == "received"
    assert deps.objects.objects[f"acme/{admission.document_id}"] == b"hello world"
    row = deps.documents.rows[admission.document_id]
    assert (row.tenant, row.kind, row.priority, row.scan_status) == ("acme", "txt", "high", "clean")
    subject, event, msg_id = deps.publisher.sent[0]
    assert isinstance(event, DocumentReceivedV1) and event.size == 11
    assert subject == "sum.documents.received.v1.high"
    assert msg_id == f"received:{admission.document_id}"


async def test_the_same_bytes_again_are_a_duplicate_and_nothing_new_is_kept(deps) -> None:
    first = await upload(deps, b"same bytes")
    again = await upload(deps, b"same ", b"bytes", filename="renamed.txt")
    assert again.duplicate and again.document_id == first.document_id
    assert len(deps.objects.objects) == 1 and len(deps.publisher.sent) == 1
    other_tenant = await upload(deps, b"same bytes", tenant="globex")
    assert not other_tenant.duplicate and other_tenant.document_id != first.document_id


async def test_concurrent_identical_uploads_resolve_to_one_document(deps) -> None:
    admissions = await asyncio.gather(*(upload(deps, b"raced bytes") for _ in range(5)))
    assert len({a.document_id for a in admissions}) == 1
    assert sum(not a.duplicate for a in admissions) == 1
    assert len(deps.objects.objects) == 1 and len(deps.publisher.sent) == 1


async def test_a_repeated_idempotency_key_returns_the_first_answer(deps) -> None:
    first = await upload(deps, b"version one", idempotency_key="k1")
    again = await upload(deps, b"version two", idempotency_key="k1")
    assert again.replayed and again.document_id == first.document_id
    assert len(deps.objects.objects) == 1
    elsewhere = await upload(deps, b"version two", idempotency_key="k1", tenant="globex")
    assert not elsewhere.replayed and elsewhere.document_id != first.document_id


@pytest.mark.parametrize(
    ("parts", "name", "status", "slug"),
    [
        ((b"",), "empty.txt", 400, "empty-file"),
        ((b"x",), "", 400, "missing-filename"),
        ((b"x",), "tool.exe", 415, "unsupported-type"),
        ((b"x" * 4097,), "big.txt", 413, "too-large"),
        ((b"\x7fELF\x02\x01\x01" + bytes(600),), "fake.txt", 415, "unsupported-type"),
    ],
)
async def test_refusals_store_and_publish_nothing(deps, parts, name, status, slug) -> None:
    with pytest.raises(UploadRejected) as refused:
        await upload(deps, *parts, filename=name)
    assert (refused.value.status, refused.value.problem_type) == (status, slug)
    assert not deps.objects.objects and not deps.publisher.sent and not deps.documents.rows


async def test_infected_upload_is_refused_with_an_audit_line(deps, caplog) -> None:
    caplog.set_level(logging.WARNING, "services.gateway.admission")
    with pytest.raises(UploadRejected) as refused:
        await upload(deps, b"x" + EICAR_SIGNATURE, origin="203.0.113.9")
    assert (refused.value.status, refused.value.problem_type) == (422, "infected")
    assert not deps.objects.objects and not deps.publisher.sent
    audit = [r for r in caplog.records if getattr(r, "audit", None) == "upload-infected"]
    assert audit and audit[0].origin == "203.0.113.9" and audit[0].tenant == "acme"


async def test_an_idempotency_key_whose_document_was_deleted_starts_afresh(deps) -> None:
    first = await upload(deps, b"version one", idempotency_key="k2")
    del deps.documents.rows[first.document_id]
    again = await upload(deps, b"version two", idempotency_key="k2")
    assert not again.replayed and again.document_id != first.document_id
    replay = await upload(deps, b"version three", idempotency_key="k2")
    assert replay.replayed and replay.document_id == again.document_id
