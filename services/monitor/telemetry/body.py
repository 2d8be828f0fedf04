"""Read an OTLP/HTTP request body within a size limit, before and after gzip decompression."""

import zlib
from collections.abc import AsyncIterator

_READ_CHUNK = 64 * 1024


class BodyTooLargeError(Exception):
    """The body (on the wire or decompressed) exceeds the limit."""


class BadEncodingError(ValueError):
    """The body is not valid for its Content-Encoding."""


async def read_limited(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """Collect a streamed body, failing as soon as it grows past ``limit`` bytes."""
    buffer = bytearray()
    async for chunk in chunks:
        buffer += chunk
        if len(buffer) > limit:
            raise BodyTooLargeError(f"request body exceeds {limit} bytes")
    return bytes(buffer)


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress gzip (possibly several members) without ever inflating past ``limit`` bytes.

    ``max_length`` caps each step, so a small gzip bomb costs at most ``limit`` bytes of memory.
    """
    output = bytearray()
    remaining = data
    while remaining:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        pending = remaining
        while pending:
            try:
                chunk = inflater.decompress(pending, limit + 1 - len(output))
            except zlib.error as exc:
                raise BadEncodingError(f"body is not valid gzip: {exc}") from exc
            output += chunk
            if len(output) > limit:
                raise BodyTooLargeError(f"decompressed body exceeds {limit} bytes")
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
            if not pending and not chunk:
                break
        if not inflater.eof:
            raise BadEncodingError("body is not valid gzip: truncated stream")
        remaining = inflater.unused_data
    return bytes(output)
