"""JSON codecs for events; encoders and decoders are built once and reused."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import msgspec

from shared.errors import PermanentError

T = TypeVar("T")

_encoder = msgspec.json.Encoder()


class UndecodableMessage(PermanentError):
    """A payload that is not a valid event of the expected type: retrying cannot help."""


@cache
def _decoder(cls: type[Any]) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(cls)


def encode(event: msgspec.Struct) -> bytes:
    return _encoder.encode(event)


def decode(data: bytes, cls: type[T]) -> T:
    try:
        result: T = _decoder(cls).decode(data)  # type: ignore[arg-type]
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise UndecodableMessage(f"not a valid {cls.__name__}: {exc}") from exc
    return result
