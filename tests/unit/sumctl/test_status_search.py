"""``sumctl status`` and ``sumctl search`` against the stub gateway."""

from __future__ import annotations

import uuid

from tests.unit.sumctl.conftest import json_of
from tests.unit.sumctl.stub_gateway import Stub


def add(stub: Stub, status: str = "received") -> str:
    document_id = str(uuid.uuid4())
    stub.documents[document_id] = {
        "id": document_id, "filename": "a.txt", "status": status, "kind": "txt", "size": 5,
        "sha256": "0" * 64, "fails": False,
    }  # fmt: skip
    return document_id


def test_status_waits_until_processed(sumctl, stub: Stub) -> None:
    document_id = add(stub)
    code, out, _ = sumctl("status", document_id, "--url", stub.url, "--wait")
    assert code == 0
    assert "status    processed" in out and "summary   summary of a.txt" in out
    assert "keywords  stub" in out


def test_status_of_unknown_document_is_exit_4(sumctl, stub: Stub) -> None:
    code, out, err = sumctl("status", str(uuid.uuid4()), "--url", stub.url, "--json")
    assert code == 4 and "Document not found" in err
    assert json_of(out) == {"error": {"message": err.split("sumctl: ")[1].strip()}, "exit_code": 4}


def test_status_without_wait_reports_in_flight_as_is(sumctl, stub: Stub) -> None:
    document_id = add(stub)
    code, out, _ = sumctl("status", document_id, "--url", stub.url, "--json")
    assert code == 0 and json_of(out)["status"] == "received"


def test_search_sends_the_query_and_follows_cursors_with_all(sumctl, stub: Stub) -> None:
    stub.search_pages = [
        {"results": [{"id": "1", "filename": "a.txt", "rank": 0.9, "snippet": "the  orchard\n"}],
         "next_cursor": "c2"},
        {"results": [{"id": "2", "filename": "b.md", "rank": 0.5, "snippet": "orchards"}],
         "next_cursor": None},
    ]  # fmt: skip
    code, out, _ = sumctl("search", "orchard trees", "--url", stub.url, "--all", "--limit", "1")
    assert code == 0
    assert stub.search_queries == [
        {"q": ["orchard trees"], "limit": ["1"]},
        {"q": ["orchard trees"], "limit": ["1"], "cursor": ["c2"]},
    ]
    rows = out.splitlines()
    assert rows[0].split() == ["RANK", "ID", "FILE", "SNIPPET"]
    assert rows[1].split() == ["0.9", "1", "a.txt", "the", "orchard"]


def test_search_json_keeps_the_cursor_for_the_next_page(sumctl, stub: Stub) -> None:
    stub.search_pages = [{"results": [], "next_cursor": "more"}]
    code, out, _ = sumctl("search", "x", "--url", stub.url, "--json")
    assert code == 0 and json_of(out) == {"results": [], "next_cursor": "more"}


def test_malformed_search_answer_is_exit_6(sumctl, stub: Stub) -> None:
    stub.search_pages = [{"hits": []}]
    code, _, err = sumctl("search", "x", "--url", stub.url)
    assert code == 6 and "no 'results' list" in err
