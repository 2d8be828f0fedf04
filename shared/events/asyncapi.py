"""The AsyncAPI 3.0 document of SUM's NATS interface, generated from the msgspec event Structs.

Nothing here is maintained by hand but the prose: payload schemas come from
``msgspec.json.schema_components``, so a field added to an event appears in the document. The
checked-in ``docs/asyncapi.yaml`` is this output (a test compares them); regenerate it with
``python -m shared.events.asyncapi > docs/asyncapi.yaml``. The gateway serves it at
``/asyncapi.yaml``. Addresses use the default namespace ``sum``.
"""

from __future__ import annotations

from typing import Any

import msgspec
import yaml

from shared.events.deadletter import DeadLetterV1
from shared.events.documents import (
    DocumentFailedV1,
    DocumentIngestedV1,
    DocumentProcessedV1,
    DocumentReceivedV1,
)
from shared.events.submission import INLINE_CONTENT_LIMIT, SubmitDocumentV1, SubmitReplyV1

VERSION = "1.0.0"
REF = "#/components/schemas/{name}"
STATUS_EVENTS: dict[str, type[msgspec.Struct]] = {
    "received": DocumentReceivedV1,
    "ingested": DocumentIngestedV1,
    "processed": DocumentProcessedV1,
    "failed": DocumentFailedV1,
}
MESSAGES: list[type[msgspec.Struct]] = [
    SubmitDocumentV1,
    SubmitReplyV1,
    *STATUS_EVENTS.values(),
    DeadLetterV1,
]
TENANT = {"description": "The tenant's id (one subject token)."}
DESCRIPTION = f"""\
Submit documents to SUM and follow their processing over NATS.

A producer sends `SubmitDocumentV1` to its tenant's submit subject as a request and gets a
`SubmitReplyV1` (accepted with the document id, duplicate, or rejected with a `problem_type` and a
reason). Producers that want durability on their side publish the same message with JetStream to
the `.durable` subject instead (stream `SUM_SUBMISSIONS`); the answer then goes to the subject
named in the `Sum-Reply-To` header, which must lie under `sum.tenants.<tenant>.replies.`.
Refused durable submits are also recorded on `sum.dlq.submit`.

Inline content is limited to {INLINE_CONTENT_LIMIT} bytes (after UTF-8 encoding or base64
decoding) so that a message stays below NATS's default `max_payload` of 1 MiB. Larger documents go
into the object store bucket `sum_uploads` under `incoming/<tenant>/` first and are submitted by
reference. A document's status events are republished under
`sum.tenants.<tenant>.documents.<id>.<status>.v1`; they are core NATS messages, so subscribe
before submitting. Subjects start with the installation's namespace (`sum` by default).
"""


def _schemas() -> dict[str, Any]:
    _, components = msgspec.json.schema_components(MESSAGES, ref_template=REF)
    return {name: _asyncapi_schema(schema) for name, schema in sorted(components.items())}


def _asyncapi_schema(node: Any) -> Any:
    """msgspec writes OpenAPI-style discriminators (an object); AsyncAPI's is the property name."""
    if isinstance(node, list):
        return [_asyncapi_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _asyncapi_schema(value) for key, value in node.items()}
    if isinstance(converted.get("discriminator"), dict):
        converted["discriminator"] = converted["discriminator"]["propertyName"]
    return converted


def _message(event: type[msgspec.Struct]) -> dict[str, Any]:
    name = event.__name__
    return {
        "name": name,
        "title": name,
        "summary": (event.__doc__ or name).strip().splitlines()[0],
        "contentType": "application/json",
        "payload": {"$ref": REF.format(name=name)},
    }


def _channel(address: str | None, description: str, *events: type, **params: Any) -> dict:
    channel: dict[str, Any] = {"address": address, "description": description}
    channel["messages"] = {
        e.__name__: {"$ref": f"#/components/messages/{e.__name__}"} for e in events
    }
    if params:
        channel["parameters"] = params
    return channel


def _operation(action: str, channel: str, events: list[type], summary: str, **extra: Any) -> dict:
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel}"},
        "summary": summary,
        "messages": [{"$ref": f"#/channels/{channel}/messages/{e.__name__}"} for e in events],
        **extra,
    }


def _channels() -> dict[str, Any]:
    channels = {
        "submit": _channel(
            "sum.tenants.{tenant}.submit.v1",
            "Request/reply: submit one document.",
            SubmitDocumentV1,
            tenant=TENANT,
        ),
        "submitReply": _channel(
            None, "The requester's inbox: the answer to a submit request.", SubmitReplyV1
        ),
        "submitDurable": _channel(
            "sum.tenants.{tenant}.submit.v1.durable",
            "JetStream publish: submit one document durably (stream SUM_SUBMISSIONS).",
            SubmitDocumentV1,
            tenant=TENANT,
        ),
        "durableReplies": _channel(
            "sum.tenants.{tenant}.replies.{reply}",
            "Answers to durable submits that named this subject in `Sum-Reply-To`.",
            SubmitReplyV1,
            tenant=TENANT,
            reply={"description": "Chosen by the producer."},
        ),
        "deadLetters": _channel(
            "sum.dlq.{stage}",
            "Messages a stage gave up on (`submit` for refused durable submits).",
            DeadLetterV1,
            stage={"enum": ["submit", "ingest", "processor"]},
        ),
    }
    for status, event in STATUS_EVENTS.items():
        channels[f"tenantDocument{status.title()}"] = _channel(
            f"sum.tenants.{{tenant}}.documents.{{documentId}}.{status}.v1",
            f"A tenant's document reached `{status}`.",
            event,
            tenant=TENANT,
            documentId={"description": "The document id (a UUID) from the submit reply."},
        )
        channels[f"document{status.title()}"] = _channel(
            f"sum.documents.{status}.v1.{{priority}}",
            f"Internal pipeline event (stream SUM_DOCUMENTS): a document reached `{status}`.",
            event,
            priority={"enum": ["high", "normal", "low"]},
        )
    return channels


def _operations() -> dict[str, Any]:
    operations = {
        "receiveSubmit": _operation(
            "receive",
            "submit",
            [SubmitDocumentV1],
            "The gateway takes in a submitted document and answers where it stands.",
            reply={
                "channel": {"$ref": "#/channels/submitReply"},
                "messages": [{"$ref": "#/channels/submitReply/messages/SubmitReplyV1"}],
            },
        ),
        "receiveDurableSubmit": _operation(
            "receive", "submitDurable", [SubmitDocumentV1], "A durably published submit."
        ),
        "sendDurableReply": _operation(
            "send", "durableReplies", [SubmitReplyV1], "The answer to a durable submit."
        ),
        "sendDeadLetter": _operation(
            "send", "deadLetters", [DeadLetterV1], "A message that could not be handled."
        ),
    }
    for status, event in STATUS_EVENTS.items():
        operations[f"sendTenantDocument{status.title()}"] = _operation(
            "send",
            f"tenantDocument{status.title()}",
            [event],
            f"Tell the tenant its document is {status}.",
        )
        operations[f"sendDocument{status.title()}"] = _operation(
            "send", f"document{status.title()}", [event], f"Announce a {status} document."
        )
    return operations


def asyncapi_document() -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "SUM over NATS", "version": VERSION, "description": DESCRIPTION},
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:4222",
                "protocol": "nats",
                "description": "A local installation (see deploy/nats/auth.conf for users).",
            }
        },
        "channels": _channels(),
        "operations": _operations(),
        "components": {
            "messages": {event.__name__: _message(event) for event in MESSAGES},
            "schemas": _schemas(),
        },
    }


def asyncapi_yaml() -> str:
    return yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    print(asyncapi_yaml(), end="")
