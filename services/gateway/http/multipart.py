"""Streaming multipart/form-data: parts and their bodies as async streams, nothing buffered whole.

The byte-level parsing is the ``multipart`` package's sans-IO ``PushMultipartParser`` (already
installed as Litestar's own multipart parser): it handles boundaries split across chunks, header
folding and size limits, and is fuzzed upstream. This module adds the pull-style async API the
upload route needs and turns every parser error into a 400 ``MalformedMultipart``.

    reader = MultipartReader(request.stream(), boundary_of(request.headers.get("content-type")))
    async for part in reader:
        if part.filename is not None:
            async for chunk in part.chunks():
                await inspector.feed(chunk)
        else:
            fields[part.name] = await part.text(max_bytes=4096)

A part's body must be read before asking for the next part; an unread body is skipped.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from typing import Any

import msgspec
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from services.gateway.intake import InvalidUpload

_END = object()
_MAX_BOUNDARY_CHARS = 70  # RFC 2046


class MalformedMultipart(InvalidUpload):
    problem_type = "malformed-multipart"
    title = "The multipart/form-data body is malformed"


class MultipartLimits(msgspec.Struct, frozen=True, kw_only=True):
    max_header_bytes: int = 4096 + 128  # one header line of a part
    max_headers: int = 8  # per part; RFC 7578 needs three at most
    max_parts: int = 16


def boundary_of(content_type: str | None) -> str:
    """The boundary of a ``multipart/form-data`` Content-Type; MalformedMultipart otherwise."""
    media_type, options = parse_options_header(content_type or "")
    if media_type != "multipart/form-data":
        raise MalformedMultipart(
            f"expected a multipart/form-data body, got {media_type or 'no content type'!r}"
        )
    boundary = options.get("boundary", "")
    if not 0 < len(boundary) <= _MAX_BOUNDARY_CHARS or "\n" in boundary or "\r" in boundary:
        raise MalformedMultipart("the multipart/form-data Content-Type has no valid boundary")
    return str(boundary)


class FormPart:
    def __init__(self, reader: MultipartReader, segment: MultipartSegment) -> None:
        self._reader = reader
        self.name: str = segment.name or ""
        self.filename: str | None = segment.filename
        self.content_type: str | None = segment.content_type
        self.headers: list[tuple[str, str]] = list(segment.headerlist)
        self.finished = False

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body, chunk by chunk as it arrives (readable once)."""
        while not self.finished:
            event = await self._reader._next_event()
            if event is None:
                self.finished = True
            elif isinstance(event, bytes):
                yield event
            else:  # the parser reports the end of a part before a new one starts
                raise MalformedMultipart("a multipart part ended without its boundary")

    async def read(self, *, max_bytes: int) -> bytes:
        """The whole body of a small (non-file) field; MalformedMultipart when it is longer."""
        body = bytearray()
        async for chunk in self.chunks():
            body += chunk
            if len(body) > max_bytes:
                raise MalformedMultipart(
                    f"the form field {self.name!r} is longer than {max_bytes} bytes"
                )
        return bytes(body)

    async def text(self, *, max_bytes: int) -> str:
        try:
            return (await self.read(max_bytes=max_bytes)).decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedMultipart(f"the form field {self.name!r} is not UTF-8") from None

    async def skip(self) -> None:
        async for _ in self.chunks():
            pass


class MultipartReader:
    def __init__(
        self,
        stream: AsyncIterable[bytes],
        boundary: str,
        *,
        limits: MultipartLimits | None = None,
        content_length: int | None = None,
    ) -> None:
        limits = limits or MultipartLimits()
        try:
            self._parser = PushMultipartParser(
                boundary,
                content_length=-1 if content_length is None else content_length,
                max_header_size=limits.max_header_bytes,
                max_header_count=limits.max_headers,
                max_segment_count=limits.max_parts,
            )
        except MultipartError as exc:
            raise MalformedMultipart(f"invalid multipart boundary: {exc}") from None
        self._events: AsyncGenerator[Any, None] = self._parse(stream)
        self._current: FormPart | None = None

    def __aiter__(self) -> AsyncIterator[FormPart]:
        return self.parts()

    async def parts(self) -> AsyncIterator[FormPart]:
        while True:
            if self._current is not None and not self._current.finished:
                await self._current.skip()
            event = await self._next_event()
            if event is _END:
                return
            if not isinstance(event, MultipartSegment):
                raise MalformedMultipart("multipart body data outside of a part")
            self._current = FormPart(self, event)
            yield self._current

    async def aclose(self) -> None:
        """Stop reading (the upload was rejected early); the rest of the body is not parsed."""
        await self._events.aclose()

    async def _next_event(self) -> Any:
        return await anext(self._events, _END)

    async def _parse(self, stream: AsyncIterable[bytes]) -> AsyncGenerator[Any, None]:
        parser = self._parser
        try:
            async for chunk in stream:
                if chunk:
                    # Each parse() generator is drained before the next chunk, as required.
                    for event in parser.parse(bytes(chunk)):
                        yield event
            parser.close()  # raises when the closing boundary never came
        except MultipartError as exc:
            raise MalformedMultipart(f"malformed multipart/form-data body: {exc}") from None
