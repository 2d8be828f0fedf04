"""A received event redelivered after its document was processed changes and publishes nothing."""

from datetime import UTC, datetime

from services.ingest.handlers import IngestDeps, ingest_document
from shared.events import DocumentReceivedV1, Names
from tests.unit.fakes import FakeDocumentsTable, FakeOriginals, FakePublisher


async def test_late_redelivery_of_a_processed_document_is_a_no_op(tmp_path) -> None:
    table = FakeDocumentsTable()
    table.rows["d1"] = {"status": "processed"}
    publisher = FakePublisher()

    async def extract(path, kind):  # pragma: no cover - must not be called
        raise AssertionError("extracted again")

    deps = IngestDeps(
        texts=table,
        originals=FakeOriginals(tmp_path),
        publisher=publisher,
        names=Names("t"),
        extract=extract,
    )
    event = DocumentReceivedV1(
        document_id="d1",
        tenant="default",
        filename="a.txt",
        content_type="text/plain",
        kind="txt",
        size=1,
        sha256="0" * 64,
        object_name="default/d1",
        received_at=datetime.now(UTC),
    )
    await ingest_document(event, deps)
    assert publisher.sent == [] and table.saves == 0
