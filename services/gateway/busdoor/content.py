"""A submission's content as a stream of chunks, whatever form it came in.

Inline content is already in memory (it is bounded by ``INLINE_CONTENT_LIMIT``). A referenced
object is downloaded to a temporary file first (nats-py reads objects efficiently only into a
file) and then streamed from it, so the inspector sees the same kind of chunk stream as for an
HTTP upload.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from nats.js.errors import NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from services.gateway.busdoor.rejections import ForeignObject, InvalidReference, ObjectNotFound
from services.gateway.intake import TooLarge
from shared.events.submission import (
    INLINE_CONTENT_LIMIT,
    InlineText,
    ObjectReference,
    SubmitContent,
    incoming_prefix,
)
from shared.messaging.objects import ObjectMissing, object_as_file

CHUNK_BYTES = 256 * 1024
MAX_OBJECT_NAME_CHARS = 1024


@asynccontextmanager
async def content_chunks(
    content: SubmitContent, tenant: str, bucket: ObjectStore | None, max_object_bytes: int
) -> AsyncIterator[AsyncIterator[bytes]]:
    """The content's bytes; rejects oversize inline content and unusable references first."""
    if isinstance(content, ObjectReference):
        async with _object_chunks(content.name, tenant, bucket, max_object_bytes) as chunks:
            yield chunks
        return
    data = content.text.encode() if isinstance(content, InlineText) else content.data
    if len(data) > INLINE_CONTENT_LIMIT:
        raise TooLarge(
            f"inline content is limited to {INLINE_CONTENT_LIMIT} bytes; put larger documents"
            " into the uploads bucket and submit a reference",
            limit=INLINE_CONTENT_LIMIT,
        )
    yield _memory_chunks(data)


def check_reference(name: str, tenant: str) -> None:
    """A reference names an object under ``incoming/<tenant>/`` of the submitting tenant."""
    if not name or len(name) > MAX_OBJECT_NAME_CHARS or any(ord(c) < 32 for c in name):
        raise InvalidReference("the object name is empty, too long or has control characters")
    if ".." in name.split("/"):
        raise InvalidReference("the object name must not contain '..' segments")
    prefix = incoming_prefix(tenant)
    if not name.startswith(prefix) or len(name) == len(prefix):
        raise ForeignObject(
            f"objects submitted by reference must be named {prefix}<name>", prefix=prefix
        )


async def _memory_chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), CHUNK_BYTES):
        yield data[start : start + CHUNK_BYTES]


@asynccontextmanager
async def _object_chunks(
    name: str, tenant: str, bucket: ObjectStore | None, max_bytes: int
) -> AsyncIterator[AsyncIterator[bytes]]:
    check_reference(name, tenant)
    if bucket is None:
        raise ObjectNotFound("this gateway has no uploads bucket to read references from")
    try:
        info = await bucket.get_info(name)
    except (ObjectNotFoundError, NotFoundError):
        raise ObjectNotFound(f"there is no object {name!r} in the uploads bucket") from None
    if (info.size or 0) > max_bytes:
        # Refuse before downloading: the intake would refuse it anyway, after the transfer.
        raise TooLarge(f"the object is larger than {max_bytes} bytes", limit=max_bytes)
    try:
        async with object_as_file(bucket, name) as path:
            yield _file_chunks(path)
    except ObjectMissing:
        raise ObjectNotFound(f"the object {name!r} disappeared while being read") from None


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            yield chunk
