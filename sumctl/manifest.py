"""A backup's ``manifest.json``: what was saved, with sizes and SHA-256 checksums.

Layout of a backup directory::

    database.dump         pg_dump custom format
    objects/<name>        one file per object of the uploads bucket (name percent-encoded)
    manifest.json         written last: a directory without it is an incomplete backup
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import msgspec

from sumctl.exit_codes import INTEGRITY, CliError

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
OBJECTS_DIR = "objects"
_READ = 1 << 20


class FileEntry(msgspec.Struct):
    path: str  # relative to the backup directory
    size: int
    sha256: str


class ObjectEntry(msgspec.Struct):
    name: str  # the object's name in the bucket
    path: str
    size: int
    sha256: str


class Versions(msgspec.Struct):
    sum: str
    schema: int  # the highest applied migration
    migrations: list[int]
    postgres: str
    pg_dump: str
    nats_server: str


class Source(msgspec.Struct):
    namespace: str
    bucket: str
    database: str


class Counts(msgspec.Struct):
    documents: int
    objects: int
    object_bytes: int
    in_flight: int  # documents not yet processed or failed when the backup was taken
    unreferenced_objects: int  # in the bucket but in no row: uploads still being accepted


class Manifest(msgspec.Struct):
    format: int
    started_at: datetime
    finished_at: datetime
    versions: Versions
    source: Source
    counts: Counts
    database: FileEntry
    objects: list[ObjectEntry]
    problems: list[str] = msgspec.field(default_factory=list)


def object_path(name: str) -> str:
    """A flat, safe file name for an object name (``tenant/id`` → ``objects/tenant%2Fid``)."""
    encoded = quote(name, safe="")
    if len(encoded) > 200 or encoded in (".", ".."):
        encoded = "sha256-" + hashlib.sha256(name.encode()).hexdigest()
    return f"{OBJECTS_DIR}/{encoded}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_READ):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Atomically: the manifest appears complete or not at all."""
    temporary = directory / (MANIFEST + ".partial")
    with temporary.open("wb") as sink:
        sink.write(msgspec.json.format(msgspec.json.encode(manifest), indent=2))
        sink.flush()
        os.fsync(sink.fileno())
    temporary.replace(directory / MANIFEST)


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    try:
        manifest = msgspec.json.decode(path.read_bytes(), type=Manifest)
    except FileNotFoundError:
        raise CliError(INTEGRITY, f"{directory} has no {MANIFEST}: not a complete backup") from None
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise CliError(INTEGRITY, f"{path} is unreadable or invalid: {exc}") from None
    if manifest.format != FORMAT:
        raise CliError(INTEGRITY, f"{path}: format {manifest.format}, this sumctl reads {FORMAT}")
    return manifest


def _check(directory: Path, entry: FileEntry | ObjectEntry) -> str | None:
    path = (directory / entry.path).resolve()
    if not path.is_relative_to(directory.resolve()):
        return f"{entry.path}: points outside the backup directory"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return f"{entry.path}: missing"
    if size != entry.size:
        return f"{entry.path}: {size} bytes, the manifest says {entry.size}"
    if sha256_file(path) != entry.sha256:
        return f"{entry.path}: SHA-256 does not match the manifest"
    return None


async def verify(directory: Path, manifest: Manifest) -> list[str]:
    """Every file checked against its size and checksum; returns the problems found."""
    problems = []
    entries: list[FileEntry | ObjectEntry] = [manifest.database, *manifest.objects]
    for entry in entries:
        problem = await asyncio.to_thread(_check, directory, entry)
        if problem:
            problems.append(problem)
    return problems
