"""Writes uploads into the object-store bucket with many chunks in flight.

nats-py's ``ObjectStore.put`` publishes one 128 KiB chunk, waits for its acknowledgement, then
sends the next: a round trip per chunk caps it at ~100-140 MiB/s. This writer keeps a window of
chunk publishes in flight (``publish_async``), the meta message right behind them, in exactly
the layout nats-py (and every other NATS client) reads: chunks on ``$O.<bucket>.C.<nuid>``, a JSON
``ObjectInfo`` rolled up on ``$O.<bucket>.M.<base64 name>``. It also skips ``put``'s lookup of
an existing object, since every upload gets a fresh name.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections import deque
from datetime import UTC, datetime
from typing import IO

from nats.js import JetStreamContext, api
from nats.js.object_store import ObjectStore
from nats.nuid import NUID

from shared.messaging.objects import delete_object

CHUNK_BYTES = 128 * 1024  # nats-py's default chunk size, well below the 1 MiB max_payload
ROLLUP: dict[str, str] = {"Nats-Rollup": "sub"}  # roll the meta subject up to this one


class PipelinedObjectWriter:
    def __init__(
        self,
        js: JetStreamContext,
        store: ObjectStore,
        bucket: str,
        *,
        window: int = 32,
        ack_timeout: float = 10.0,
    ) -> None:
        self._js = js
        self._store = store  # deletes go through nats-py's own implementation
        self._bucket = bucket
        self._stream = f"OBJ_{bucket}"
        self._window = window
        self._ack_timeout = ack_timeout
        self._nuid = NUID()
        # nats-py sets up its async-reply subscription on the first publish_async and would
        # drop the futures of a concurrent first call: make the first call alone.
        self._first_call = asyncio.Lock()
        self._ready = False

    async def put(self, name: str, source: IO[bytes], *, sha256_hex: str) -> int:
        """Store ``source`` (read from its current position) as ``name``; returns its size.

        ``sha256_hex`` is the digest the caller already computed while receiving the bytes.
        The meta message goes out behind the last chunks without waiting for their
        acknowledgements (one connection keeps them in order); ``put`` returns once all are
        acknowledged, and on any failure removes whatever part of the object was stored.
        """
        chunk_subject = f"$O.{self._bucket}.C.{self._nuid.next().decode()}"
        meta_subject = f"$O.{self._bucket}.M.{base64.urlsafe_b64encode(name.encode()).decode()}"
        in_flight: deque[asyncio.Future[api.PubAck]] = deque()
        try:
            size, chunks = await self._send_chunks(chunk_subject, source, in_flight)
            meta = self._meta(name, chunk_subject, size, chunks, sha256_hex)
            in_flight.append(await self._publish_async(meta_subject, meta, ROLLUP))
            while in_flight:
                await _acknowledged(in_flight.popleft(), self._ack_timeout)
        except BaseException:
            for future in in_flight:
                future.cancel()
            await asyncio.shield(self._purge(chunk_subject, meta_subject))
            raise
        return size

    async def delete(self, name: str) -> None:
        await delete_object(self._store, name)

    async def _send_chunks(
        self, subject: str, source: IO[bytes], in_flight: deque[asyncio.Future[api.PubAck]]
    ) -> tuple[int, int]:
        """Publish every chunk, keeping at most ``window`` unacknowledged; the last ones are
        left in ``in_flight`` for the caller to await."""
        size = chunks = 0
        while chunk := source.read(CHUNK_BYTES):
            if len(in_flight) >= self._window:
                await _acknowledged(in_flight.popleft(), self._ack_timeout)
            in_flight.append(await self._publish_async(subject, chunk))
            size += len(chunk)
            chunks += 1
        return size, chunks

    async def _publish_async(
        self, subject: str, payload: bytes, headers: dict[str, str] | None = None
    ) -> asyncio.Future[api.PubAck]:
        if self._ready:
            return await self._js.publish_async(subject, payload, headers=headers)
        async with self._first_call:
            future = await self._js.publish_async(subject, payload, headers=headers)
            self._ready = True
            return future

    def _meta(
        self, name: str, chunk_subject: str, size: int, chunks: int, digest_hex: str
    ) -> bytes:
        digest = base64.urlsafe_b64encode(bytes.fromhex(digest_hex)).decode()
        info = api.ObjectInfo(
            name=name,
            bucket=self._bucket,
            nuid=chunk_subject.rsplit(".", 1)[1],
            size=size,
            chunks=chunks,
            mtime=datetime.now(UTC).isoformat(),
            digest=f"SHA-256={digest}",
            options=api.ObjectMetaOptions(max_chunk_size=CHUNK_BYTES),
        )
        return json.dumps(info.as_dict()).encode()

    async def _purge(self, chunk_subject: str, meta_subject: str) -> None:
        # Best effort. The meta goes first: chunks without a meta message are invisible.
        for subject in (meta_subject, chunk_subject):
            try:
                await self._js.purge_stream(self._stream, subject=subject)
            except Exception:
                pass


async def _acknowledged(future: asyncio.Future[api.PubAck], timeout: float) -> api.PubAck:
    # asyncio.timeout rather than wait_for: no extra future and callbacks per message.
    async with asyncio.timeout(timeout):
        return await future
