"""PostgreSQL and the uploads bucket as the backup commands use them: fail fast with a clear
message when unreachable, and move objects between the bucket and files without buffering."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import asyncpg
import nats
from nats.aio.client import Client as NatsClient
from nats.js.errors import DigestMismatchError, NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from sumctl.exit_codes import UNREACHABLE, USAGE, CliError

CONNECT_TIMEOUT = 10.0


async def connect_db(dsn: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT)
    except asyncpg.InvalidCatalogNameError:
        raise CliError(USAGE, "the database named in SUM_DATABASE_URL does not exist") from None
    except asyncpg.InvalidAuthorizationSpecificationError as exc:
        raise CliError(UNREACHABLE, f"PostgreSQL refused the connection: {exc}") from None
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise CliError(UNREACHABLE, f"cannot reach PostgreSQL: {exc}") from None


async def connect_bus(url: str) -> NatsClient:
    """A short-lived connection: a command should fail, not wait forever for NATS."""
    try:
        return await nats.connect(
            servers=[s.strip() for s in url.split(",")],
            name="sumctl",
            connect_timeout=CONNECT_TIMEOUT,
            max_reconnect_attempts=2,
            allow_reconnect=True,
        )
    except Exception as exc:  # nats-py raises several unrelated types for "no server"
        raise CliError(UNREACHABLE, f"cannot reach NATS at {url}: {exc!r}") from None


def hex_digest(nats_digest: str | None) -> str:
    """nats-py's ``SHA-256=<url-safe base64>`` as the hex string the manifest uses."""
    encoded = (nats_digest or "").split("=", 1)[-1]
    padded = encoded + "=" * (-len(encoded) % 4)
    return base64.urlsafe_b64decode(padded).hex() if encoded else ""


class _HashingWriter:
    """Counts and hashes what nats-py writes (from its executor thread) into the file."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return int(self.sink.write(data))


class ObjectUnavailable(Exception):
    pass


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)


async def download(store: ObjectStore, name: str, path: Path) -> tuple[int, str]:
    """Stream an object into ``path``; returns its size and SHA-256 (hex)."""
    try:
        with path.open("wb") as sink:
            writer = _HashingWriter(sink)
            await store.get(name, writeinto=writer)  # type: ignore[arg-type]
    except (ObjectNotFoundError, NotFoundError):
        _discard(path)
        raise ObjectUnavailable(f"object {name!r} is not in the bucket") from None
    except DigestMismatchError:
        _discard(path)
        raise ObjectUnavailable(f"object {name!r} does not match its own digest") from None
    return writer.size, writer.digest.hexdigest()


async def stored_digest(store: ObjectStore, name: str) -> tuple[int, str] | None:
    try:
        info = await store.get_info(name)
    except (ObjectNotFoundError, NotFoundError):
        return None
    return int(info.size or 0), hex_digest(info.digest)


async def upload(store: ObjectStore, name: str, path: Path) -> tuple[int, str]:
    with path.open("rb") as source:
        info = await store.put(name, source)
    return int(info.size or 0), hex_digest(info.digest)


async def bucket_names(store: ObjectStore) -> set[str]:
    try:
        return {info.name for info in await store.list(ignore_deletes=True) if info.name}
    except NotFoundError:
        return set()  # nats-py's answer for an empty bucket
