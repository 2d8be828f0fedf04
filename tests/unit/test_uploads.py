import hashlib

import pytest

from services.gateway.uploads import UploadDeps, accept_upload
from shared.events import DocumentReceivedV1, Names
from shared.web.problems import Problem
from tests.unit.fakes import FakeDocumentsTable, FakeObjects, FakePublisher


async def chunks(*parts: bytes):
    for part in parts:
        yield part


@pytest.fixture
def deps():
    return UploadDeps(
        documents=FakeDocumentsTable(),
        objects=FakeObjects(),
        publisher=FakePublisher(),
        names=Names("sum"),
    )


async def test_upload_is_stored_recorded_and_announced(deps) -> None:
    accepted = await accept_upload(chunks(b"hello ", b"world"), "notes.txt", deps)
    assert accepted.sha256 == hashlib.sha256(b"hello world").hexdigest()
    assert deps.objects.objects[f"default/{accepted.id}"] == b"hello world"
    assert deps.documents.rows[accepted.id]["kind"] == "txt"
    subject, event, msg_id = deps.publisher.sent[0]
    assert isinstance(event, DocumentReceivedV1) and event.size == 11
    assert subject == "sum.documents.received.v1.normal" and msg_id == f"received:{accepted.id}"


@pytest.mark.parametrize(
    ("parts", "name", "status", "slug"),
    [
        ((b"",), "empty.txt", 400, "empty-file"),
        ((b"x",), "", 400, "missing-filename"),
        ((b"x",), "tool.exe", 415, "unsupported-type"),
    ],
)
async def test_bad_uploads_are_refused_and_nothing_is_kept(deps, parts, name, status, slug) -> None:
    with pytest.raises(Problem) as refused:
        await accept_upload(chunks(*parts), name, deps)
    assert (refused.value.status, refused.value.slug) == (status, slug)
    assert not deps.objects.objects and not deps.publisher.sent
