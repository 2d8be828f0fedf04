"""``GET /asyncapi.yaml``: the contract of the NATS interface, next to the HTTP one at /schema."""

from __future__ import annotations

import functools

from litestar import get

from shared.events.asyncapi import asyncapi_yaml


@functools.cache
def _asyncapi_text() -> str:
    return asyncapi_yaml()


@get("/asyncapi.yaml", media_type="application/yaml", include_in_schema=False, sync_to_thread=False)
def asyncapi_route() -> str:
    """The AsyncAPI 3.0 document of the NATS interface (generated from the event Structs)."""
    return _asyncapi_text()
