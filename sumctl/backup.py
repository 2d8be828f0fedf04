"""``sumctl backup DIR``: the database and every original file it references, consistent.

Consistency: under one exported snapshot, pg_dump writes the database and we read which objects
its rows reference; then exactly those objects are copied. Objects never change once written and
the retention job is kept out (it needs the lock held here), so the files match the dump. Uploads
accepted after the snapshot are not in the backup; their objects are counted as unreferenced.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import msgspec
from nats.js.errors import BucketNotFoundError
from nats.js.object_store import ObjectStore

from shared.config import CommonSettings, load_settings
from shared.events.catalog import Names
from shared.retention import RETENTION_LOCK
from sumctl import manifest as mf
from sumctl import stores
from sumctl.exit_codes import FAILURES, OK, REFUSED, USAGE, CliError
from sumctl.output import print_json
from sumctl.pg_tools import ToolFailed, find_tool, run_tool, tool_version
from sumctl.progress import Display, Transfer, human_bytes
from sumctl.running import add_json_flag, run_command, sum_version

PARALLEL_DOWNLOADS = 4


def register(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("backup", help="back up the database and the original files")
    cmd.add_argument("directory", type=Path, metavar="DIR", help="new or empty directory")
    cmd.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    add_json_flag(cmd)
    cmd.set_defaults(run=run)


def _prepare(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise CliError(REFUSED, f"{directory} is not empty; back up into a new directory")
    (directory / mf.OBJECTS_DIR).mkdir(parents=True, exist_ok=True)


async def _dump(conn: asyncpg.Connection, directory: Path, dsn: str) -> dict:
    """pg_dump under an exported snapshot, and what the same snapshot says about documents."""
    if await conn.fetchval("SELECT to_regclass('documents')") is None:
        raise CliError(USAGE, "the database has no documents table: is it a SUM database?")
    tool = find_tool("pg_dump")
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
        facts = {
            "rows": await conn.fetch(
                "SELECT DISTINCT object_name, sha256, size_bytes FROM documents ORDER BY 1"
            ),
            "documents": await conn.fetchval("SELECT count(*) FROM documents"),
            "in_flight": await conn.fetchval(
                "SELECT count(*) FROM documents WHERE status IN ('received', 'ingested')"
            ),
            "migrations": [
                r[0] for r in await conn.fetch("SELECT version FROM schema_migrations ORDER BY 1")
            ],
            "postgres": await conn.fetchval("SHOW server_version"),
            "pg_dump": await tool_version(tool),
        }
        dump = str(directory / mf.DATABASE_FILE)
        args = ["--format=custom", f"--snapshot={snapshot}", "--file", dump]
        try:
            await run_tool(tool, args, dsn)
        except ToolFailed as exc:
            raise CliError(FAILURES, f"the database dump failed: {exc}") from None
    return facts


async def _copy_objects(
    store: ObjectStore,
    rows: list[asyncpg.Record],
    directory: Path,
    show: Display,
    transfer: Transfer,
) -> tuple[list[mf.ObjectEntry], list[str]]:
    entries: list[mf.ObjectEntry] = []
    problems: list[str] = []
    slots = asyncio.Semaphore(PARALLEL_DOWNLOADS)

    async def one(row: asyncpg.Record) -> None:
        name = row["object_name"]
        relative = mf.object_path(name)
        async with slots:
            try:
                size, sha256 = await stores.download(store, name, directory / relative)
            except stores.ObjectUnavailable as exc:
                problems.append(str(exc))
                return
        if sha256 != row["sha256"] or size != row["size_bytes"]:
            problems.append(f"object {name!r} differs from its document row (size or SHA-256)")
        entries.append(mf.ObjectEntry(name=name, path=relative, size=size, sha256=sha256))
        transfer.sent_bytes += size
        transfer.done_files += 1
        show.update()

    await asyncio.gather(*(one(row) for row in rows))
    entries.sort(key=lambda e: e.name)
    return entries, sorted(problems)


async def take_backup(
    directory: Path, settings: CommonSettings, show_progress: bool
) -> mf.Manifest:
    _prepare(directory)
    started = datetime.now(UTC)
    names = Names(settings.namespace)
    conn = await stores.connect_db(settings.dsn())
    nc = None
    try:
        # Blocks while a retention sweep runs, and keeps the next one out until the copy is done.
        await conn.execute("SET lock_timeout = '5min'")
        await conn.execute("SELECT pg_advisory_lock($1)", RETENTION_LOCK)
        facts = await _dump(conn, directory, settings.dsn())
        nc = await stores.connect_bus(settings.nats_url)
        js = nc.jetstream()
        rows = facts["rows"]
        transfer = Transfer(sum(r["size_bytes"] for r in rows), len(rows), label="objects")
        show = Display(transfer, enabled=False if not show_progress else None)
        try:
            store = await js.object_store(names.uploads_bucket)
        except BucketNotFoundError:
            if rows:
                raise CliError(
                    FAILURES, f"bucket {names.uploads_bucket} is missing; {len(rows)} rows need it"
                ) from None
            objects: list[mf.ObjectEntry] = []
            problems: list[str] = []
            unreferenced = 0
        else:
            objects, problems = await _copy_objects(store, rows, directory, show, transfer)
            referenced = {r["object_name"] for r in rows}
            unreferenced = len(await stores.bucket_names(store) - referenced)
        show.close()
    finally:
        if nc is not None:
            await nc.close()
        await conn.close()  # also releases the advisory lock
    dump = directory / mf.DATABASE_FILE
    manifest = mf.Manifest(
        format=mf.FORMAT,
        started_at=started,
        finished_at=datetime.now(UTC),
        versions=mf.Versions(
            sum=sum_version(),
            schema=max(facts["migrations"], default=0),
            migrations=facts["migrations"],
            postgres=facts["postgres"],
            pg_dump=facts["pg_dump"],
            nats_server=str(nc.connected_server_version) if nc else "",
        ),
        source=mf.Source(
            namespace=settings.namespace,
            bucket=names.uploads_bucket,
            database=settings.database_url.rsplit("/", 1)[-1].split("?")[0],
        ),
        counts=mf.Counts(
            documents=facts["documents"],
            objects=len(objects),
            object_bytes=sum(o.size for o in objects),
            in_flight=facts["in_flight"],
            unreferenced_objects=unreferenced,
        ),
        database=mf.FileEntry(
            path=mf.DATABASE_FILE,
            size=dump.stat().st_size,
            sha256=await asyncio.to_thread(mf.sha256_file, dump),
        ),
        objects=objects,
        problems=problems,
    )
    mf.write_manifest(directory, manifest)
    return manifest


async def backup(args: argparse.Namespace) -> int:
    settings = load_settings(CommonSettings)
    manifest = await take_backup(args.directory, settings, not args.no_progress)
    code = FAILURES if manifest.problems else OK
    if args.json:
        print_json({**msgspec.to_builtins(manifest), "exit_code": code})
    else:
        counts = manifest.counts
        print(
            f"backup written to {args.directory}: {counts.documents} document(s), "
            f"database {human_bytes(manifest.database.size)}, {counts.objects} object(s) "
            f"{human_bytes(counts.object_bytes)}, schema version {manifest.versions.schema}"
        )
        if counts.in_flight:
            print(f"{counts.in_flight} document(s) were still being processed")
    for problem in manifest.problems:
        print(f"sumctl: problem: {problem}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    return run_command(args, lambda: backup(args))
