"""The uploads bucket: read into a file (never whole into memory), delete.

nats-py's ``ObjectStore.get`` without ``writeinto`` grows a ``bytes`` object chunk by chunk,
which is quadratic in the object's size, so reads always go to a file.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from nats.js.errors import NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from shared.errors import PermanentError


class ObjectMissing(PermanentError):
    """The document's original bytes are not in the bucket."""


@asynccontextmanager
async def object_as_file(store: ObjectStore, name: str) -> AsyncIterator[Path]:
    """Download an object to a temporary file that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="sum-obj-") as tmp:
        path = Path(tmp) / "object"
        with path.open("wb") as sink:
            try:
                await store.get(name, writeinto=sink)
            except (ObjectNotFoundError, NotFoundError) as exc:
                raise ObjectMissing(f"object {name!r} is not in the uploads bucket") from exc
        yield path


async def delete_object(store: ObjectStore, name: str) -> None:
    try:
        await store.delete(name)
    except (ObjectNotFoundError, NotFoundError):
        pass
