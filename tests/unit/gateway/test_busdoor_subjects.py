"""Routing rules of the bus door, without servers: subjects, relayed subjects, references."""

import msgspec
import pytest

from services.gateway.busdoor.content import check_reference
from services.gateway.busdoor.rejections import ForeignObject, InvalidReference
from services.gateway.busdoor.relay import relay_subject
from services.gateway.busdoor.requests import submit_tokens
from shared.events import DocumentProcessedV1


def test_submit_subjects_name_tenant_and_version() -> None:
    assert submit_tokens("sum", "sum.tenants.acme.submit.v1") == ("acme", "v1")
    assert submit_tokens("sum", "sum.tenants.acme.submit.v1.durable") == ("acme", "v1")
    assert submit_tokens("sum", "sum.tenants.acme.submit.v7") == ("acme", "v7")
    assert submit_tokens("sum", "other.tenants.acme.submit.v1") is None
    assert submit_tokens("sum", "sum.tenants.acme.results.v1") is None


def test_events_are_relayed_under_their_tenant() -> None:
    event = DocumentProcessedV1(
        document_id="d1", tenant="acme", summary="s", keywords=[], method="m", priority="low"
    )
    payload = msgspec.json.encode(event)
    assert (
        relay_subject("sum", "sum.documents.processed.v1.low", payload)
        == "sum.tenants.acme.documents.d1.processed.v1"
    )
    assert relay_subject("sum", "sum.documents.processed.v2.low", payload) is None
    assert relay_subject("sum", "sum.documents.processed.v1.low", b"not json") is None
    hostile = payload.replace(b'"acme"', b'"acme.x.>"')
    assert relay_subject("sum", "sum.documents.processed.v1.low", hostile) is None


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("incoming/globex/a.txt", ForeignObject),
        ("acme/0b7c", ForeignObject),
        ("incoming/acme/", ForeignObject),
        ("incoming/acme/../globex/a.txt", InvalidReference),
        ("", InvalidReference),
        ("incoming/acme/a\nb", InvalidReference),
    ],
)
def test_references_must_stay_in_the_tenants_incoming_prefix(name: str, error: type) -> None:
    with pytest.raises(error):
        check_reference(name, "acme")
    check_reference("incoming/acme/reports/q3.pdf", "acme")
