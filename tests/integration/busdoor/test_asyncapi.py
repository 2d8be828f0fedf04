"""The AsyncAPI document: generated from the Structs, checked in, valid against AsyncAPI 3.0."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from shared.events.asyncapi import asyncapi_document, asyncapi_yaml
from tests.integration.busdoor.npm import npm_packages

CHECKED_IN = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"


@pytest.fixture(scope="module")
def asyncapi_validator() -> jsonschema.Draft7Validator:
    """The official schema from the @asyncapi/specs package; its refs are all local."""
    specs = npm_packages("asyncapi-specs", "@asyncapi/specs@6")
    path = specs / "node_modules/@asyncapi/specs/schemas/3.0.0-without-$id.json"
    schema = json.loads(path.read_text())
    return jsonschema.Draft7Validator(schema)


def test_checked_in_document_is_the_generated_one() -> None:
    assert CHECKED_IN.read_text() == asyncapi_yaml(), (
        "docs/asyncapi.yaml is stale: python -m shared.events.asyncapi > docs/asyncapi.yaml"
    )


def test_document_is_valid_asyncapi_3(asyncapi_validator) -> None:
    document = yaml.safe_load(CHECKED_IN.read_text())
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in asyncapi_validator.iter_errors(document)
    ]
    assert not errors, errors[:5]
    assert document["asyncapi"] == "3.0.0"
    submit = document["components"]["schemas"]["SubmitDocumentV1"]
    assert {"filename", "content", "idempotency_key", "metadata"} <= set(submit["properties"])


def test_the_validator_notices_a_broken_document(asyncapi_validator) -> None:
    document = asyncapi_document()
    document["operations"]["receiveSubmit"]["action"] = "consume"  # not send/receive
    assert not asyncapi_validator.is_valid(document)
