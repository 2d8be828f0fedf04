"""Writes uploads into the object-store bucket with many chunks in flight.

nats-py's ``ObjectStore.put`` publishes one 128 KiB chunk, waits for its acknowledgement, then
sends the next: a round trip per chunk caps it at ~100-140 MiB/s. This writer keeps a window of
chunk publishes in flight (``publish_async``) and then publishes the meta message, in exactly the
layout nats-py (and every other NATS client) reads: chunks on ``$O.<bucket>.C.<nuid>``, a JSON
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
from nats.js.errors import NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore
from nats.nuid import NUID

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
        """
        chunk_subject = f"$O.{self._bucket}.C.{self._nuid.next().decode()}"
        try:
            size, chunks = await self._send_chunks(chunk_subject, source)
            await self._publish_meta(name, chunk_subject, size, chunks, sha256_hex)
        except BaseException:
            await asyncio.shield(self._purge(chunk_subject))
            raise
        return size

    async def delete(self, name: str) -> None:
        try:
            await self._store.delete(name)
        except (ObjectNotFoundError, NotFoundError):
            pass

    async def _send_chunks(self, subject: str, source: IO[bytes]) -> tuple[int, int]:
        in_flight: deque[asyncio.Future[api.PubAck]] = deque()
        size = chunks = 0
        try:
            while chunk := source.read(CHUNK_BYTES):
                if len(in_flight) >= self._window:
                    await asyncio.wait_for(in_flight.popleft(), self._ack_timeout)
                in_flight.append(await self._publish_async(subject, chunk))
                size += len(chunk)
                chunks += 1
            while in_flight:
                await asyncio.wait_for(in_flight.popleft(), self._ack_timeout)
        finally:
            for future in in_flight:
                future.cancel()
        return size, chunks

    async def _publish_async(self, subject: str, payload: bytes) -> asyncio.Future[api.PubAck]:
        if self._ready:
            return await self._js.publish_async(subject, payload)
        async with self._first_call:
            future = await self._js.publish_async(subject, payload)
            self._ready = True
            return future

    async def _publish_meta(
        self, name: str, chunk_subject: str, size: int, chunks: int, sha256_hex: str
    ) -> None:
        digest = base64.urlsafe_b64encode(bytes.fromhex(sha256_hex)).decode()
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
        meta_subject = f"$O.{self._bucket}.M.{base64.urlsafe_b64encode(name.encode()).decode()}"
        await self._js.publish(
            meta_subject,
            json.dumps(info.as_dict()).encode(),
            headers=ROLLUP,
            timeout=self._ack_timeout,
        )

    async def _purge(self, chunk_subject: str) -> None:
        try:
            await self._js.purge_stream(self._stream, subject=chunk_subject)
        except Exception:  # best effort: orphaned chunks without a meta message are invisible
            pass
