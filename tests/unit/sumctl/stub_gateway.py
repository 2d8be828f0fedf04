"""A small stand-in for the gateway, served for real on a local port: what the client sends
is parsed as a server would (multipart included), and the answers follow the gateway's API."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from multipart import MultipartSegment, PushMultipartParser, parse_options_header

PROGRESSION = {"received": "ingested", "ingested": "processed"}


@dataclass
class Stub:
    url: str = ""
    api_key: str | None = None  # when set, requests without it get 401
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorizations: list[str | None] = field(default_factory=list)
    busy_answers: int = 0  # answer this many uploads 429 first
    search_pages: list[dict[str, Any]] = field(default_factory=list)
    search_queries: list[dict[str, list[str]]] = field(default_factory=list)


def parse_upload(content_type: str, body: bytes) -> tuple[str, bytes]:
    boundary = parse_options_header(content_type)[1]["boundary"]
    filename, data = "", b""
    with PushMultipartParser(boundary) as parser:
        for chunk in (body, b""):  # an empty chunk ends the stream
            for event in parser.parse(chunk):
                if isinstance(event, MultipartSegment):
                    filename = event.filename or ""
                elif event:
                    data += event
    return filename, data


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def answer(self, status: int, body: dict[str, Any], **headers: str) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(data)

        def problem(self, status: int, title: str, detail: str, **headers: str) -> None:
            body = {"type": "about:blank", "title": title, "detail": detail}
            self.answer(status, body, **headers)

        def authorized(self) -> bool:
            presented = self.headers.get("Authorization")
            stub.authorizations.append(presented)
            if stub.api_key and presented != f"Bearer {stub.api_key}":
                self.problem(401, "Unauthorized", "A valid API key is required.")
                return False
            return True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if not self.authorized():
                return
            if stub.busy_answers > 0:
                stub.busy_answers -= 1
                self.problem(429, "Too many requests", "Slow down.", retry_after="0")
                return
            filename, data = parse_upload(self.headers["Content-Type"], body)
            if filename.endswith(".exe") or not data:
                self.problem(415, "Unsupported document type", f"{filename!r} is not accepted.")
                return
            document_id = str(uuid.uuid4())
            sha256 = hashlib.sha256(data).hexdigest()
            failing = b"fail" in data
            stub.documents[document_id] = {
                "id": document_id,
                "filename": filename,
                "status": "received",
                "sha256": sha256,
                "size": len(data),
                "kind": filename.rsplit(".", 1)[-1],
                "fails": failing,
            }
            self.answer(202, {"id": document_id, "status": "received", "sha256": sha256})

        def do_GET(self) -> None:
            if not self.authorized():
                return
            parts = urlsplit(self.path)
            if parts.path == "/v1/search":
                stub.search_queries.append(parse_qs(parts.query))
                self.answer(200, stub.search_pages.pop(0))
                return
            document = stub.documents.get(parts.path.rsplit("/", 1)[-1])
            if document is None:
                self.problem(404, "Document not found", "No document with this id.")
                return
            view = {k: v for k, v in document.items() if k != "fails"}
            self.answer(200, view)
            # Each look moves the document one stage on, as the pipeline would.
            if document["status"] == "ingested" and document["fails"]:
                document.update(status="failed", failed_stage="processor", failure_reason="boom")
            elif document["status"] in PROGRESSION:
                document["status"] = PROGRESSION[document["status"]]
                if document["status"] == "processed":
                    document["summary"] = f"summary of {document['filename']}"
                    document["keywords"] = [{"term": "stub", "score": 1.0}]

    return Handler


@contextmanager
def serve(stub: Stub | None = None) -> Iterator[Stub]:
    stub = stub or Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
