"""The ingest and processor handlers, driven through fakes of their ports."""

from datetime import UTC, datetime

import pytest

from services.ingest.extraction import extract_file
from services.ingest.handlers import IngestDeps, UnknownDocument, ingest_document
from services.processor.distil import make_distiller
from services.processor.handlers import ProcessorDeps, process_document
from shared.events import DocumentIngestedV1, DocumentProcessedV1, DocumentReceivedV1, Names
from tests.unit.fakes import FakeDocumentsTable, FakeOriginals, FakePublisher

NAMES = Names("sum")
TEXT = (
    b"# Rivers\n\nRivers carry water from mountains to the sea. "
    b"Large rivers shape valleys over millions of years. Fish live in rivers."
)


class Row:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def received(document_id: str = "d1") -> DocumentReceivedV1:
    return DocumentReceivedV1(
        document_id=document_id,
        tenant="default",
        filename="r.md",
        content_type="text/markdown",
        kind="md",
        size=len(TEXT),
        sha256="x",
        object_name=f"default/{document_id}",
        received_at=datetime.now(UTC),
    )


async def extract_inline(path, kind):
    # The real extractor, without the worker process around it.
    return extract_file(path, kind)


@pytest.fixture
def world(tmp_path):
    table = FakeDocumentsTable()
    originals = FakeOriginals(tmp_path)
    publisher = FakePublisher()
    ingest = IngestDeps(
        texts=table, originals=originals, publisher=publisher, names=NAMES, extract=extract_inline
    )
    processor = ProcessorDeps(
        memories=table, publisher=publisher, names=NAMES, distil=make_distiller(None)
    )
    return table, originals, publisher, ingest, processor


async def test_ingest_then_process_stores_text_and_memories(world) -> None:
    table, originals, publisher, ingest, processor = world
    table.rows["d1"] = {"status": "received"}
    originals.objects["default/d1"] = TEXT

    await ingest_document(received(), ingest)
    assert table.rows["d1"]["status"] == "ingested"
    assert "Rivers carry water" in table.texts["d1"].text and "#" not in table.texts["d1"].text
    subject, event, msg_id = publisher.sent[-1]
    assert subject == "sum.documents.ingested.v1.normal" and msg_id == "ingested:d1"

    assert isinstance(event, DocumentIngestedV1)
    await process_document(event, processor)
    assert table.rows["d1"]["status"] == "processed"
    processed = publisher.sent[-1][1]
    assert isinstance(processed, DocumentProcessedV1)
    assert "Rivers carry water from mountains to the sea." in processed.summary
    assert any("rivers" in k.lower() for k in processed.keywords)


async def test_redelivery_does_no_work_twice_and_publishes_no_duplicate(world) -> None:
    table, originals, publisher, ingest, _processor = world
    table.rows["d1"] = {"status": "received"}
    originals.objects["default/d1"] = TEXT
    await ingest_document(received(), ingest)
    await ingest_document(received(), ingest)  # redelivered
    assert table.saves == 1
    assert [m for _, _, m in publisher.sent] == ["ingested:d1"]


async def test_unknown_document_is_permanent(world) -> None:
    *_, ingest, _ = world
    with pytest.raises(UnknownDocument):
        await ingest_document(received("nope"), ingest)
